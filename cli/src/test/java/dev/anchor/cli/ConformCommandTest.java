package dev.anchor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anchor.conformance.targets.ProcessTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anchor conform} end to end, on the worked example of docs/conformance: a gateway described
 * only by a target file (HAProxy with a hand-written template), judged through the JUnit launcher,
 * with its JSON and HTML reports.
 */
class ConformCommandTest {
    static final Path EXAMPLE = Path.of("..", "examples", "conformance", "my-gateway.yaml");

    @Test
    void judgesTheWorkedExampleAndWritesItsReports(@TempDir Path report) throws IOException {
        assumeRunnable();
        CommandLineTest.Result r = CommandLineTest.run("conform", "--target", EXAMPLE.toString(),
                "--rules", "SETUP,TUN-01,TUN-02,UPG-08", "--report", report.toString());

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("judging my-gateway", "SETUP-02", "TUN-01", "reports:");
        Map<String, String> verdicts = verdicts(report.resolve("my-gateway.json"));
        assertThat(verdicts).containsEntry("SETUP-01", "pass").containsEntry("SETUP-02", "pass")
                .containsEntry("TUN-01", "pass").containsEntry("TUN-02", "pass").containsEntry("UPG-08", "pass")
                // the example declares no capability: the admin rules are shown as unsupported, not hidden
                .containsEntry("SETUP-03", "unsupported").containsEntry("SETUP-05", "unsupported");
        assertThat(Files.readString(report.resolve("my-gateway.html")))
                .contains("<title>Anchor conformance: my-gateway</title>", "id=\"SETUP-02\"", "UNSUPPORTED");
    }

    @Test
    void aFailTheTargetDoesNotExplainFailsTheRun(@TempDir Path report) throws IOException {
        assumeRunnable();
        // HAProxy keeps a field the client's Connection names (RFC 9110 section 7.6.1), and the
        // example has no expectations file to explain it
        CommandLineTest.Result r = CommandLineTest.run("conform", "--target", EXAMPLE.toString(),
                "--rules", "UPG-05", "--report", report.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("1 FAIL not explained by the target's expectations", "UPG-05");
        assertThat(verdicts(report.resolve("my-gateway.json"))).containsEntry("UPG-05", "fail");
    }

    @Test
    void aListedFailThatPassesFailsTheRun(@TempDir Path dir) throws IOException {
        assumeRunnable();
        // the example with an expectations file that is wrong: it says SETUP-02 fails
        Path folder = EXAMPLE.toAbsolutePath().getParent();
        Path target = dir.resolve("stale.yaml");
        Files.writeString(target, Files.readString(EXAMPLE)
                .replace("my-gateway.cfg.mustache", folder.resolve("my-gateway.cfg.mustache").toString())
                .replace("# expectations: my-gateway.expectations.yaml", "expectations: stale.expectations.yaml"));
        Files.writeString(dir.resolve("stale.expectations.yaml"),
                "divergences:\n  SETUP-02: {verdict: fail, why: a claim nobody checked, source: nowhere}\n");

        CommandLineTest.Result r = CommandLineTest.run("conform", "--target", target.toString(),
                "--rules", "SETUP-02", "--report", dir.resolve("report").toString());

        assertThat(r.code()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("SETUP-02", "correct the expectations");
    }

    @Test
    void aBadTargetFileIsRefusedNamingTheKey(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: bad\ncommand: [true]\ncapabilities: [heartbeats]\n");

        CommandLineTest.Result r = CommandLineTest.run("conform", "--target", file.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("capabilities[0]", "heartbeats", "heartbeat");
    }

    private static void assumeRunnable() throws IOException {
        ProcessTarget example = ProcessTarget.read(EXAMPLE);
        assumeTrue(example.unavailable().isEmpty(), () -> "the worked example cannot run here: "
                + example.unavailable().orElseThrow() + " (.ci/run installs it)");
    }

    private static Map<String, String> verdicts(Path json) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (JsonNode r : new ObjectMapper().readTree(json.toFile()).get("results")) {
            out.put(r.get("rule").asText(), r.get("verdict").asText());
        }
        return out;
    }
}
