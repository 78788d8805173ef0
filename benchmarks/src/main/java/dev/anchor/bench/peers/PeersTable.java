package dev.anchor.bench.peers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders a peers run ({@link Results}, as JSON) as AsciiDoc: the machine, the spread, and tables
 * with one row per target. A cell is the median over the repetitions with the lowest and highest
 * value in brackets; "vs direct" divides the medians. A figure that does not apply, such as a
 * gateway's CPU for direct, is a dash.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.anchor.bench.peers.PeersTable docs/results/peers.json
 * </pre>
 */
public final class PeersTable {
    private static final String NONE = "–";

    /** One column: a figure of a case, and how to print it. */
    private record Column(String title, String caseId, String figure, DoubleFunction<String> format, boolean vsDirect) {
        static Column of(String title, String caseId, String figure, DoubleFunction<String> format) {
            return new Column(title, caseId, figure, format, false);
        }

        static Column vsDirect(String caseId, String figure) {
            return new Column("vs direct", caseId, figure, null, true);
        }
    }

    private static final DoubleFunction<String> MILLIONS = v -> String.format(Locale.ROOT, "%.2f", v / 1e6);
    private static final DoubleFunction<String> WHOLE = v -> String.format(Locale.ROOT, "%,.0f", v);
    private static final DoubleFunction<String> ONE_PLACE = v -> String.format(Locale.ROOT, "%,.1f", v);
    private static final DoubleFunction<String> TWO_PLACES = v -> String.format(Locale.ROOT, "%.2f", v);
    private static final DoubleFunction<String> PERCENT = v -> String.format(Locale.ROOT, "%.0f%%", 100 * v);

    private PeersTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PeersTable RESULTS.json");
            System.exit(2);
        }
        System.out.print(render(Results.read(Path.of(args[0]))));
    }

    static String render(Results r) {
        StringBuilder out = new StringBuilder();
        Machine m = r.machine();
        out.append("*Machine.* ").append(m.describe());
        String peers = Stream.of(m.nginx(), m.haproxy())
                .filter(v -> v != null)
                .map(v -> v.replaceFirst("\\s+-\\s+https?://\\S+$", "")) // HAProxy ends its line with its web address
                .collect(Collectors.joining("; "));
        if (!peers.isEmpty()) {
            out.append("; ").append(peers);
        }
        out.append(". Run on ").append(r.date()).append(String.format(Locale.ROOT, ", in %.0f minutes.%n%n", r.minutes()));
        if (r.method().reps() == 1) {
            out.append("*Spread.* None: each cell is a single measurement. \"vs direct\" is the ratio of the two.\n");
        } else {
            out.append("*Spread.* Each cell is the median of ").append(r.method().reps())
                    .append(" interleaved repetitions, with the lowest and highest value in brackets."
                            + " \"vs direct\" is the ratio of the medians.\n");
        }
        for (Results.Skipped s : r.skipped()) {
            out.append("Not measured: ").append(s.target()).append(" (").append(s.reason()).append(").\n");
        }
        int tunnels = r.method().idleTunnels();
        table(out, r, "Throughput and the gateway's CPU", List.of(
                Column.of("echo 64 B: M msgs/s", "echo-64B", "messagesPerSecond", MILLIONS),
                Column.vsDirect("echo-64B", "messagesPerSecond"),
                Column.of("gateway CPU per message (µs)", "echo-64B", "gatewayCpuUsPerMessage", TWO_PLACES),
                Column.of("echo 64 KiB: MB/s", "echo-64KiB", "megabytesPerSecond", WHOLE),
                Column.vsDirect("echo-64KiB", "megabytesPerSecond")));
        table(out, r, "Latency and upgrades", List.of(
                Column.of("round trip, 1 connection: p50 (µs)", "rtt-1", "p50Us", WHOLE),
                Column.of("p99 (µs)", "rtt-1", "p99Us", WHOLE),
                Column.of("round trip, 32 connections: p99 (µs)", "rtt-32", "p99Us", WHOLE),
                Column.of("upgrades/s", "upgrades", "upgradesPerSecond", WHOLE),
                Column.of("gateway CPU per upgrade (µs)", "upgrades", "gatewayCpuUsPerUpgrade", WHOLE)));
        table(out, r, String.format(Locale.ROOT, "%,d idle tunnels", tunnels), List.of(
                Column.of("RSS per idle tunnel (KiB)", "idle-tunnels", "rssKiBPerTunnel", ONE_PLACE),
                Column.of(String.format(Locale.ROOT, "time to open %,d (s)", tunnels), "idle-tunnels", "openSeconds", ONE_PLACE)));
        table(out, r, "Busy share of each core while measuring (gateway: its own core; load: the echo backend and client on the other)", List.of(
                Column.of("echo 64 B: gateway", "echo-64B", "gatewayCoreShare", PERCENT),
                Column.of("echo 64 B: load", "echo-64B", "loadCoreShare", PERCENT),
                Column.of("echo 64 KiB: gateway", "echo-64KiB", "gatewayCoreShare", PERCENT),
                Column.of("echo 64 KiB: load", "echo-64KiB", "loadCoreShare", PERCENT),
                Column.of("upgrades: gateway", "upgrades", "gatewayCoreShare", PERCENT),
                Column.of("upgrades: load", "upgrades", "loadCoreShare", PERCENT)));
        return out.toString();
    }

    private static void table(StringBuilder out, Results r, String title, List<Column> columns) {
        List<Column> present = columns.stream().filter(c -> r.summary().containsKey(c.caseId())).toList();
        if (present.isEmpty()) {
            return;
        }
        out.append("\n.").append(title).append('\n');
        out.append("[cols=\"2").append(",3".repeat(present.size())).append("\",options=\"header\"]\n|===\n| target");
        for (Column c : present) {
            out.append(" | ").append(c.title());
        }
        out.append("\n\n");
        for (String target : r.method().targets()) {
            out.append("| ").append(target);
            for (Column c : present) {
                out.append(" | ").append(cell(r, c, target));
            }
            out.append('\n');
        }
        out.append("|===\n");
    }

    private static String cell(Results r, Column c, String target) {
        Spread s = spread(r, c.caseId(), target, c.figure());
        if (s == null) {
            return NONE;
        }
        if (c.vsDirect()) {
            Spread direct = spread(r, c.caseId(), "direct", c.figure());
            return direct == null ? NONE : PERCENT.apply(s.median() / direct.median());
        }
        if (s.n() == 1) {
            return c.format().apply(s.median());
        }
        return c.format().apply(s.median()) + " (" + c.format().apply(s.min()) + "–" + c.format().apply(s.max()) + ")";
    }

    private static Spread spread(Results r, String caseId, String target, String figure) {
        Map<String, Map<String, Spread>> byTarget = r.summary().get(caseId);
        if (byTarget == null || !byTarget.containsKey(target)) {
            return null;
        }
        return byTarget.get(target).get(figure);
    }
}
