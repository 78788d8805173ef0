package dev.anchor.conformance.halfopen;

import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.netns.Netns;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * A backend that vanishes without a word: its packets are dropped, so neither FIN nor RST ever
 * comes. The gateway and its peers run in a child JVM inside a network namespace made for the
 * purpose (its loopback is its own); once the tunnel is up, an nftables rule in that namespace
 * drops every packet of the backend's port, and the child measures how long the gateway takes to
 * close the client's leg.
 *
 * <p>Needs Linux, root, {@code ip} and {@code nft}. Without them it aborts the test by name with
 * the reason, so the rule shows as skipped, not passed.
 */
// tag::half-open[]
public final class HalfOpen {
    /** What guards the tunnel while the backend vanishes. */
    public enum Guard {
        /** Ping mode: the backend is pinged after 500 ms of silence and has 500 ms to answer. */
        HEARTBEAT("heartbeat.mode: ping, backend interval 500ms, timeout 500ms"),
        /** Off mode with TCP keepalive on the backend leg: first probe after 1 s, then every 1 s, 2 probes. */
        KEEPALIVE("heartbeat.mode: off, tcp.backend.keepalive idle 1s, interval 1s, count 2"),
        /** Off mode, no keepalive: only the idle timeout would ever notice, and it is off. */
        NONE("heartbeat.mode: off, no keepalive, timeouts.idle: off");

        private final String settings;

        Guard(String settings) {
            this.settings = settings;
        }

        /** The configuration of this guard, as an operator would write it. */
        public String settings() {
            return settings;
        }
    }

    public static final Duration HEARTBEAT_BOUND = TestTime.scaled(Duration.ofMillis(500 + 500 + 1500));
    public static final Duration KEEPALIVE_BOUND = TestTime.scaled(Duration.ofMillis(1000 + 2 * 1000 + 2000));
    /** How long the probe watches before it reports "not detected". */
    public static final Duration LIMIT = TestTime.scaled(Duration.ofSeconds(8));


    /** How one run went: when the gateway closed the client's leg after the drop, if it did. */
    public record Result(Guard guard, Duration detectedAfter, Duration limit) {
        public boolean detected() {
            return detectedAfter != null;
        }

        @Override
        public String toString() {
            return guard + ": " + (detected() ? "detected after " + detectedAfter.toMillis() + " ms"
                    : "not detected within " + limit.toMillis() + " ms");
        }
    }

    private HalfOpen() {
    }

    public static Result run(Subject subject, Guard guard) throws Exception {
        return run(subject, guard, LIMIT);
    }

    /** One run, watched for at most {@code limit} after the drop. */
    public static Result run(Subject subject, Guard guard, Duration limit) throws Exception {
        String why = cannotRun(subject);
        if (why != null) {
            throw new TestAbortedException("a vanished peer is simulated by dropping its packets in a network namespace, which " + why);
        }
        try (Netns ns = Netns.create("half-open")) {
            Process child = ns.java(HalfOpenProbe.class, subject.provider().getClass().getName(), guard.name(),
                    Long.toString(limit.toMillis()), subject.leg().name());
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String ready = Netns.line(out, TestTime.PROMPT.multipliedBy(4));
                if (!ready.startsWith("READY ")) {
                    throw new IllegalStateException("the probe did not get ready: " + ready);
                }
                int port = Integer.parseInt(ready.substring(6).trim());
                drop(ns, port);
                OutputStream in = child.getOutputStream();
                in.write("GO\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
                String verdict = Netns.line(out, limit.plus(TestTime.PROMPT));
                String[] parts = verdict.split(" ");
                return new Result(guard, parts[0].equals("DETECTED") ? Duration.ofMillis(Long.parseLong(parts[1])) : null, limit);
            } finally {
                child.destroyForcibly();
                child.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
    // end::half-open[]

    /** Drops every packet to and from the backend's port on the namespace's loopback. */
    private static void drop(Netns ns, int port) throws Exception {
        ns.feed("""
                table inet anchor_half_open {
                  chain out { type filter hook output priority 0; tcp sport %1$d drop; tcp dport %1$d drop; }
                  chain in { type filter hook input priority 0; tcp sport %1$d drop; tcp dport %1$d drop; }
                }
                """.formatted(port), "nft", "-f", "-");
    }

    /** Null if this machine can run the experiment, else why not. */
    static String cannotRun(Subject subject) {
        return Netns.cannotRun(subject, "nft");
    }
}
