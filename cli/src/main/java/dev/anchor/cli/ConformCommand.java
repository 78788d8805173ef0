package dev.anchor.cli;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.anchor.conformance.RuleSelection;
import dev.anchor.conformance.TargetFileConformance;
import dev.anchor.conformance.report.HtmlReport;
import dev.anchor.conformance.report.Results;
import dev.anchor.conformance.targets.ProcessTarget;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "conform",
        description = {"Judge a gateway with the conformance suite, from a target file: how to start it for each",
                "fixture (a command and a configuration template), what it declares it can do, and where it is",
                "expected to differ. Prints each rule's verdict and writes JSON and HTML reports.",
                "Target files: conformance/targets/ and docs/conformance."},
        mixinStandardHelpOptions = true)
final class ConformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "FILE", description = "The target file (YAML).")
    Path target;

    @Option(names = "--rules", paramLabel = "LIST", defaultValue = "",
            description = "Groups and rules to run, e.g. UPG,TUN-05; all when left out.")
    String rules;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "conformance-report",
            description = "Where to write <name>.json and <name>.html (default: ${DEFAULT-VALUE}).")
    Path report;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ProcessTarget judged = ProcessTarget.read(target); // a bad file is refused here, naming the key
        RuleSelection.parse(rules);
        Files.createDirectories(report);
        // the suite reads these when its classes load, which is after this point
        System.setProperty(TargetFileConformance.PROPERTY, target.toAbsolutePath().toString());
        System.setProperty("anchor.conformance.rules", rules);
        System.setProperty("anchor.conformance.results", report.toAbsolutePath().toString());
        judged.unavailable().ifPresent(why -> out.println("every rule will be skipped: " + why));
        out.printf("judging %s from %s%n", judged.name(), target);
        out.flush();

        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(TargetFileConformance.class)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary, new Progress(out));

        Path json = report.resolve(judged.name() + ".json");
        if (!Files.exists(json)) {
            spec.commandLine().getErr().println("anchor: no results were written; " + summary.getSummary().getTotalFailureCount()
                    + " failures in the run itself");
            return 1;
        }
        Results results = Results.read(json);
        Path html = report.resolve(judged.name() + ".html");
        Files.writeString(html, HtmlReport.of(results), StandardCharsets.UTF_8);
        out.println();
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Long> c : results.counts().entrySet()) {
            line.append(c.getValue()).append(' ').append(c.getKey().toUpperCase(Locale.ROOT)).append("  ");
        }
        out.printf("%s: %s(%d rules)%n", judged.name(), line, results.results().size());
        long unexplained = results.results().stream().filter(r -> r.verdict().equals("fail") && !r.expected()).count();
        if (unexplained > 0) {
            out.printf("%d FAIL not explained by the target's expectations:%n", unexplained);
            results.results().stream().filter(r -> r.verdict().equals("fail") && !r.expected())
                    .forEach(r -> out.printf("  %s %s%n", r.rule(), firstLine(r.detail())));
        }
        out.printf("reports: %s, %s%n", json, html);
        out.flush();
        return summary.getSummary().getTotalFailureCount() == 0 ? 0 : 1;
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** One line per rule as it finishes, with JUnit's outcome: the graded verdict is in the summary. */
    private record Progress(PrintWriter out) implements TestExecutionListener {
        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest()) {
                print("skip", test, reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (!test.isTest()) {
                return;
            }
            String what = switch (result.getStatus()) {
                case SUCCESSFUL -> "pass";
                case ABORTED -> "graded";
                case FAILED -> "FAIL";
            };
            print(what, test, result.getThrowable().map(t -> firstLine(String.valueOf(t.getMessage()))).orElse(""));
        }

        private void print(String what, TestIdentifier test, String why) {
            String name = test.getDisplayName();
            int colon = name.indexOf(':');
            out.printf("  %-6s %s%s%n", what, colon > 0 ? name.substring(0, colon) : name,
                    why.isEmpty() ? "" : "  " + (why.length() > 140 ? why.substring(0, 140) + "..." : why));
            out.flush();
        }
    }
}
