package dev.anchor.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeersTableTest {
    private static Results results() {
        List<Results.Run> runs = List.of(
                new Results.Run(1, "echo-64B", "direct", Map.of("messagesPerSecond", 1_700_000.0, "loadCoreShare", 0.99)),
                new Results.Run(1, "echo-64B", "nginx", Map.of("messagesPerSecond", 1_190_000.0,
                        "gatewayCpuUsPerMessage", 0.71, "gatewayCoreShare", 0.85, "loadCoreShare", 0.97)),
                new Results.Run(2, "echo-64B", "direct", Map.of("messagesPerSecond", 1_720_000.0, "loadCoreShare", 0.98)),
                new Results.Run(2, "echo-64B", "nginx", Map.of("messagesPerSecond", 1_210_000.0,
                        "gatewayCpuUsPerMessage", 0.69, "gatewayCoreShare", 0.86, "loadCoreShare", 0.97)),
                new Results.Run(3, "echo-64B", "direct", Map.of("messagesPerSecond", 1_710_000.0, "loadCoreShare", 0.99)),
                new Results.Run(3, "echo-64B", "nginx", Map.of("messagesPerSecond", 1_250_000.0,
                        "gatewayCpuUsPerMessage", 0.73, "gatewayCoreShare", 0.84, "loadCoreShare", 0.96)),
                new Results.Run(1, "idle-tunnels", "nginx", Map.of("rssKiBPerTunnel", 17.84, "openSeconds", 2.5)),
                new Results.Run(2, "idle-tunnels", "nginx", Map.of("rssKiBPerTunnel", 17.80, "openSeconds", 2.4)),
                new Results.Run(3, "idle-tunnels", "nginx", Map.of("rssKiBPerTunnel", 17.90, "openSeconds", 2.6)));
        Machine machine = new Machine(2, "AMD EPYC", 24 * 1024, "Debian GNU/Linux 12 (bookworm)", "6.18.44",
                "Eclipse Adoptium 25.0.3+9", "nginx version: nginx/1.22.1",
                "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/");
        Results.Method method = new Results.Method(3, 3, 5, 9_000, "pinned", "interleaved", "this JVM",
                List.of("direct", "nginx"), Map.of());
        return new Results("peers", "2026-12-07", 19.6, "java ...", machine, method,
                List.of(new Results.Skipped("haproxy", "haproxy is not on the PATH")), runs, Results.summarize(runs));
    }

    @Test
    void aCellIsTheMedianWithTheLowestAndHighest() {
        String table = PeersTable.render(results());
        assertThat(table).contains("| nginx | 1.21 (1.19–1.25) | 71% | 0.71 (0.69–0.73)\n");
    }

    @Test
    void directIsTheHundredPercentAndHasNoGatewayCpu() {
        assertThat(PeersTable.render(results())).contains("| direct | 1.71 (1.70–1.72) | 100% | –\n");
    }

    @Test
    void theCaptionNamesTheMachineTheRepetitionsAndWhatWasSkipped() {
        String table = PeersTable.render(results());
        assertThat(table)
                .contains("*Machine.* 2 CPUs (AMD EPYC), 24 GiB, Debian GNU/Linux 12 (bookworm), Linux 6.18.44,"
                        + " Eclipse Adoptium 25.0.3+9; nginx version: nginx/1.22.1; HAProxy version 2.6.12-1+deb12u4 2026/10/17."
                        + " Run on 2026-12-07, in 20 minutes.")
                .contains("the median of 3 interleaved repetitions")
                .contains("Not measured: haproxy (haproxy is not on the PATH).");
    }

    @Test
    void casesThatDidNotRunHaveNoColumnsAndMissingFiguresAreDashes() {
        String table = PeersTable.render(results());
        assertThat(table).doesNotContain("upgrades/s").doesNotContain("64 KiB").contains(".9,000 idle tunnels")
                .contains("| direct | – | –\n")
                .contains("| nginx | 17.8 (17.8–17.9) | 2.5 (2.4–2.6)\n");
    }

    @Test
    void theTableIsAnAsciiDocTableWithAHeaderRow() {
        String table = PeersTable.render(results());
        assertThat(table).contains("[cols=\"2,3,3,3\",options=\"header\"]\n|===\n"
                + "| target | echo 64 B: M msgs/s | vs direct | gateway CPU per message (µs)\n\n| direct");
        assertThat(table.split("\\|===", -1).length % 2).isEqualTo(1); // every table is closed
    }

    @Test
    void theJsonRoundTripRendersTheSame(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("peers.json");
        results().write(file);
        assertThat(Files.readString(file)).contains("\"case\" : \"echo-64B\"");
        assertThat(PeersTable.render(Results.read(file))).isEqualTo(PeersTable.render(results()));
    }
}
