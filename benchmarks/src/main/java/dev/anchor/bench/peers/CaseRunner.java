package dev.anchor.bench.peers;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Runs one case against one started target and returns its figures: warm up (discarded), then
 * measure the load and, over exactly the same window, the CPU of the gateway, the backend and the
 * client. Every echo is checked, and every message sent must come back before the figures count.
 */
final class CaseRunner {
    /** Threads that open idle tunnels at once, as many as the upgrade loops. */
    private static final int OPENERS = 32;
    /** How long the last echoes of a measurement may take to arrive before they count as lost. */
    private static final Duration DRAIN = Duration.ofSeconds(10);
    /** Compiler time in a second of upgrades that counts as idle: 20 ms, two clock ticks. */
    private static final long QUIET_TICKS = 2;
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(60);

    private final Plan plan;
    private final EchoBackendProcess backend;
    private final MessageRing small = new MessageRing(64, 64);
    private final MessageRing large = new MessageRing(64 * 1024, 65_536);

    CaseRunner(Plan plan, EchoBackendProcess backend) {
        this.plan = plan;
        this.backend = backend;
    }

    // tag::settle[]
    /**
     * Brings a freshly started target to its steady state before any case is measured: upgrades
     * and small echoes, a warm-up's length of each, then one more second of each until a second of
     * upgrades passes with the gateway's JIT compilers all but idle (at most {@link #SETTLE_LIMIT}).
     * nginx and HAProxy compile nothing, so for them it ends after the first round. Returns how
     * long it took.
     */
    Duration settle(GatewayUnderTest gateway) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Duration round = plan.warmup();
        while (true) {
            try (EchoLoad echoes = EchoLoad.open(gateway.address(), Case.ECHO_64B.connections(), Case.ECHO_64B.inFlight(), small)) {
                echoes.run(round, null);
                echoes.finish(DRAIN);
            }
            long before = gateway.compilerTicks();
            new UpgradeLoad(gateway.address(), Case.UPGRADES.connections(), ring(Case.UPGRADES)).run(round);
            long compiled = gateway.compilerTicks() - before;
            Duration taken = Duration.ofNanos(System.nanoTime() - start);
            if (compiled <= QUIET_TICKS || taken.compareTo(SETTLE_LIMIT) >= 0) {
                return taken;
            }
            round = Duration.ofSeconds(1);
        }
    }
    // end::settle[]

    Figures run(Case c, GatewayUnderTest gateway) throws IOException, InterruptedException {
        return switch (c) {
            case ECHO_64B, ECHO_64KIB -> echo(c, gateway, false);
            case ROUND_TRIP_1, ROUND_TRIP_32 -> echo(c, gateway, true);
            case UPGRADES -> upgrades(c, gateway);
            case IDLE_TUNNELS -> idleTunnels(gateway);
        };
    }

    private MessageRing ring(Case c) {
        return c.payloadBytes() == small.payloadBytes ? small : large;
    }

    private Figures echo(Case c, GatewayUnderTest gateway, boolean roundTrips) throws IOException {
        try (EchoLoad load = EchoLoad.open(gateway.address(), c.connections(), c.inFlight(), ring(c))) {
            // tag::measured-window[]
            load.run(plan.warmup(), null);
            LatencySamples latencies = roundTrips ? new LatencySamples() : null;
            CpuWindow window = CpuWindow.start(gateway, backend);
            EchoLoad.Tally tally = load.run(plan.measure(), latencies);
            CpuWindow.Usage cpu = window.stop();
            load.finish(DRAIN);
            // end::measured-window[]

            Figures f = new Figures()
                    .put("messages", tally.messages())
                    .put("seconds", tally.nanos() / 1e9)
                    .put("messagesPerSecond", tally.perSecond());
            if (c.payloadBytes() >= 1024) {
                f.put("megabytesPerSecond", tally.perSecond() * c.payloadBytes() / 1e6);
            }
            if (roundTrips) {
                double[] us = latencies.micros(0.5, 0.99, 0.999);
                f.put("p50Us", us[0]).put("p99Us", us[1]).put("p999Us", us[2]);
            }
            cpu.addTo(f, tally.messages(), "Message");
            return f;
        }
    }

    private Figures upgrades(Case c, GatewayUnderTest gateway) throws IOException, InterruptedException {
        UpgradeLoad load = new UpgradeLoad(gateway.address(), c.connections(), ring(c));
        load.run(plan.warmup());
        CpuWindow window = CpuWindow.start(gateway, backend);
        UpgradeLoad.Tally tally = load.run(plan.measure());
        CpuWindow.Usage cpu = window.stop();

        Figures f = new Figures()
                .put("upgrades", tally.upgrades())
                .put("seconds", tally.nanos() / 1e9)
                .put("upgradesPerSecond", tally.perSecond());
        cpu.addTo(f, tally.upgrades(), "Upgrade");
        return f;
    }

    /**
     * Resident memory of the gateway before and after opening the tunnels, divided by their
     * number: what the kernel holds for the process, heap, stacks and buffers alike. A JVM's
     * figure includes heap it has touched and not yet collected, as a real deployment's would.
     */
    private Figures idleTunnels(GatewayUnderTest gateway) throws IOException, InterruptedException {
        int n = plan.idleTunnels();
        OptionalLong pid = gateway.pid();
        long before = pid.isPresent() ? Rss.ofTree(pid.getAsLong()) : 0;
        long start = System.nanoTime();
        try (IdleTunnelSet tunnels = IdleTunnelSet.open(gateway.address(), n, OPENERS, ring(Case.IDLE_TUNNELS))) {
            double openSeconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(1_000); // lets the gateway finish what the last upgrades started
            long after = pid.isPresent() ? Rss.ofTree(pid.getAsLong()) : 0;
            tunnels.proveAll(OPENERS);

            Figures f = new Figures()
                    .put("tunnels", n)
                    .put("openSeconds", openSeconds);
            if (pid.isPresent()) {
                f.put("rssBeforeKiB", before)
                        .put("rssAfterKiB", after)
                        .put("rssKiBPerTunnel", (double) (after - before) / n);
            }
            return f;
        }
    }
}
