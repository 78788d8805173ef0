package dev.anchor.bench.peers;

import java.util.Locale;
import java.util.Map;

/**
 * The loads every target gets. Each names what one operation is and the figures it yields; the
 * figures' names are the keys of the JSON results.
 */
enum Case {
    /** Per-message cost: many small messages in flight, so the gateway never waits for the client. */
    ECHO_64B("echo-64B", "echo 64 B, 16 connections x 32 messages in flight", 16, 32, 64),
    /** Per-byte cost: large messages, a few in flight. */
    ECHO_64KIB("echo-64KiB", "echo 64 KiB, 8 connections x 4 messages in flight", 8, 4, 64 * 1024),
    /** Latency with nothing queued: one message at a time on one connection. */
    ROUND_TRIP_1("rtt-1", "round trip 64 B, 1 connection, 1 message in flight", 1, 1, 64),
    /** Latency when 32 connections each have one message in flight. */
    ROUND_TRIP_32("rtt-32", "round trip 64 B, 32 connections x 1 message in flight", 32, 1, 64),
    /** Connection cost: connect, upgrade, one 64 B echo, Close handshake, in 32 loops at once. */
    UPGRADES("upgrades", "upgrades: connect, upgrade, 1 echo of 64 B, close; 32 loops at once", 32, 1, 64),
    /** Memory per idle tunnel, and how long it takes to open them (the count is a run option). */
    IDLE_TUNNELS("idle-tunnels", "idle tunnels: open N, each proven by an echo of 64 B; RSS before and after", 0, 1, 64);

    private final String id;
    private final String title;
    private final int connections;
    private final int inFlight;
    private final int payloadBytes;

    Case(String id, String title, int connections, int inFlight, int payloadBytes) {
        this.id = id;
        this.title = title;
        this.connections = connections;
        this.inFlight = inFlight;
        this.payloadBytes = payloadBytes;
    }

    String id() {
        return id;
    }

    String title() {
        return title;
    }

    /** Connections (or loops) at once; for {@link #IDLE_TUNNELS} the run's tunnel count applies. */
    int connections() {
        return connections;
    }

    int inFlight() {
        return inFlight;
    }

    int payloadBytes() {
        return payloadBytes;
    }

    static Case byId(String id) {
        for (Case c : values()) {
            if (c.id.equalsIgnoreCase(id.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("no case " + id + "; the cases are echo-64B, echo-64KiB, rtt-1, rtt-32, upgrades, idle-tunnels");
    }

    /** One line for the progress report. */
    String headline(Map<String, Double> f) {
        String cpu = f.containsKey("gatewayCoreShare")
                ? String.format(Locale.ROOT, " (gateway at %.0f%% of its core)", 100 * f.get("gatewayCoreShare"))
                : "";
        return switch (this) {
            case ECHO_64B -> String.format(Locale.ROOT, "%.2f M msgs/s%s%s", f.get("messagesPerSecond") / 1e6,
                    perOp(f, "gatewayCpuUsPerMessage", "msg"), cpu);
            case ECHO_64KIB -> String.format(Locale.ROOT, "%,.0f MB/s%s%s", f.get("megabytesPerSecond"),
                    perOp(f, "gatewayCpuUsPerMessage", "msg"), cpu);
            case ROUND_TRIP_1, ROUND_TRIP_32 -> String.format(Locale.ROOT, "p50 %.0f us, p99 %.0f us, %,.0f msgs/s",
                    f.get("p50Us"), f.get("p99Us"), f.get("messagesPerSecond"));
            case UPGRADES -> String.format(Locale.ROOT, "%,.0f upgrades/s%s%s", f.get("upgradesPerSecond"),
                    perOp(f, "gatewayCpuUsPerUpgrade", "upgrade"), cpu);
            case IDLE_TUNNELS -> String.format(Locale.ROOT, "%,.0f tunnels open in %.1f s%s", f.get("tunnels"),
                    f.get("openSeconds"), f.containsKey("rssKiBPerTunnel")
                            ? String.format(Locale.ROOT, ", %.1f KiB RSS per tunnel", f.get("rssKiBPerTunnel"))
                            : "");
        };
    }

    private static String perOp(Map<String, Double> f, String key, String op) {
        return f.containsKey(key) ? String.format(Locale.ROOT, ", %.2f us gateway CPU/%s", f.get(key), op) : "";
    }
}
