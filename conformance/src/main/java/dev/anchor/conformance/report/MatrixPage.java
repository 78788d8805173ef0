package dev.anchor.conformance.report;

import dev.anchor.conformance.Rule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code matrix.adoc}: the build's results for every target side by side, as Autobahn shows
 * its own. Columns are targets (Anchor's implementations in process, then again with TLS on the
 * client leg, then through {@code anchor run}, then nginx and HAProxy), rows are rules; each cell
 * is a verdict whose message shows on hover, and each rule links to its statement. The counts come
 * first.
 */
public final class MatrixPage {
    /** The order of the columns; a target not listed comes after them, by name. */
    static final List<String> ORDER = List.of("blocking", "blocking-platform", "nio", "netty", "netty-nio",
            "blocking-tls", "blocking-platform-tls", "nio-tls", "netty-tls", "netty-nio-tls",
            "anchor-run-blocking", "anchor-run-nio", "anchor-run-netty", "nginx", "haproxy");

    private MatrixPage() {
    }

    /** {@code args[0]}: the file to write; the rest: folders holding results files. */
    public static void main(String[] args) throws IOException {
        List<Results> all = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            all.addAll(Results.readAll(Path.of(args[i])));
        }
        all.sort((a, b) -> Integer.compare(rank(a.implementation()), rank(b.implementation())));
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, of(all), StandardCharsets.UTF_8);
    }

    static int rank(String name) {
        int i = ORDER.indexOf(name);
        return i >= 0 ? i : ORDER.size();
    }

    static String of(List<Results> targets) {
        StringBuilder sb = new StringBuilder("// generated from the build's conformance results by MatrixPage: do not edit\n");
        if (targets.isEmpty()) {
            return sb.append("No conformance results were in this build (were the tests skipped?).\n").toString();
        }
        sb.append(Rule.values().length).append(" rules, ").append(targets.size()).append(" targets.\n\n")
                .append("[cols=\"3,1,1,1,1,1,1\",options=\"header\"]\n|===\n")
                .append("| target | pass | fail (explained) | non-strict | informational | unsupported | skipped\n");
        for (Results t : targets) {
            Map<String, Long> c = t.counts();
            long explained = t.results().stream().filter(r -> r.verdict().equals("fail") && r.expected()).count();
            sb.append("| ").append(t.implementation()).append(" | ").append(c.get("pass"))
                    .append(" | ").append(c.get("fail")).append(" (").append(explained).append(')')
                    .append(" | ").append(c.get("non-strict")).append(" | ").append(c.get("informational"))
                    .append(" | ").append(c.get("unsupported")).append(" | ").append(c.get("skipped")).append('\n');
        }
        sb.append("|===\n\n");
        sb.append("++++\n<style>table.matrix td,table.matrix th{border:1px solid #ccc;padding:2px 5px;font-size:12px}"
                + " .matrix .pass{background:#dff3df} .matrix .fail{background:#f8d4d4} .matrix .non-strict{background:#fbecc8}"
                + " .matrix .informational{background:#dde8f8} .matrix .unsupported,.matrix .skipped{background:#eee;color:#777}"
                + "</style>\n<table class=\"matrix\">\n<tr><th>rule</th>");
        for (Results t : targets) {
            sb.append("<th>").append(HtmlReport.escape(t.implementation())).append("</th>");
        }
        sb.append("</tr>\n");
        List<Map<String, Results.Result>> byRule = new ArrayList<>();
        for (Results t : targets) {
            Map<String, Results.Result> m = new HashMap<>();
            t.results().forEach(r -> m.put(r.rule(), r));
            byRule.add(m);
        }
        for (Rule rule : Rule.values()) {
            sb.append("<tr><td><a href=\"#").append(rule.id()).append("\" title=\"")
                    .append(HtmlReport.escape(rule.statement())).append("\">").append(rule.id()).append("</a></td>");
            for (Map<String, Results.Result> m : byRule) {
                Results.Result r = m.get(rule.id());
                if (r == null) {
                    sb.append("<td class=\"none\">-</td>");
                    continue;
                }
                String label = r.verdict().toUpperCase(Locale.ROOT) + (r.expected() && r.verdict().equals("fail") ? "*" : "");
                sb.append("<td class=\"").append(r.verdict()).append("\" title=\"")
                        .append(HtmlReport.escape(r.detail().isEmpty() ? r.verdict() : r.detail())).append("\">")
                        .append(label).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n++++\n\n* FAIL*: a divergence the target's expectations file explains, with its source.\n").toString();
    }
}
