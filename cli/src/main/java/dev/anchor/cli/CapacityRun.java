package dev.anchor.cli;

import static dev.anchor.cli.Report.count;
import static dev.anchor.cli.Report.plural;

import dev.anchor.core.capacity.KernelPortRange;
import dev.anchor.core.capacity.SlotCounts;
import dev.anchor.core.config.UpstreamSource;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayStatus.CapacityStatus;
import dev.anchor.core.gateway.GatewayStatus.EndpointStatus;
import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The steps of {@code anchor capacity}, each reported as it ends: the arithmetic, the fill, the
 * heap, the tunnel past capacity, the gateway's own count, and the close. A step that goes wrong
 * is reported and counted as a problem; the run still closes everything, then exits 1.
 */
final class CapacityRun {
    /** For each connect, and again for each answer. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** For every tunnel to end and every slot to come back, after the clients start closing. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    private static final Duration ACQUIRE_WARM_UP = Duration.ofMillis(300);
    private static final Duration ACQUIRE_MEASURED = Duration.ofMillis(500);
    private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();
    /** A tunnel is two sockets in a gateway: the client's and the backend's. */
    static final int FILES_PER_GATEWAY_TUNNEL = 2;
    /** And two more here, where the client and the backend live in the same process. */
    static final int FILES_PER_DEMO_TUNNEL = 4;
    private static final String PATH = "/capacity";

    private final CapacityCommand.Settings settings;
    private final Report report;
    private final PrintWriter err;
    private final List<String> problems = new ArrayList<>();

    CapacityRun(CapacityCommand.Settings settings, PrintWriter out, PrintWriter err) {
        this.settings = settings;
        this.report = new Report(out);
        this.err = err;
    }

    int run() throws Exception {
        UpstreamSource upstream = UpstreamSource.pool(settings.sources(), settings.ports(), UpstreamSource.TIME_WAIT);
        try (Demo demo = Demo.start(settings.implementation(), 0, settings.backends(), upstream)) {
            steps(demo);
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("anchor: capacity: " + p));
            err.flush();
            return 1;
        }
        report.section("Done: the gateway and the backends are stopped.");
        return 0;
    }

    private void steps(Demo demo) {
        Gateway gateway = demo.gateway();
        header(gateway);
        long target = arithmetic(gateway.status().capacity());
        if (target < 1) {
            problems.add("there is no room for a single tunnel under this process's open-file limit");
            return;
        }
        AcquireTimer.Figure acquire = AcquireTimer.measure(settings.sources(), settings.ports().low(),
                settings.ports().high(), ACQUIRE_WARM_UP, ACQUIRE_MEASURED);
        long heapBefore = HeapGauge.liveBytes();
        TunnelFiller.Fill fill = new TunnelFiller(gateway.address(), PATH, TIMEOUT)
                .fill((int) Math.min(target, Integer.MAX_VALUE), settings.concurrency());
        try {
            filled(fill, target, acquire, gateway);
            if (fill.failure() == null) {
                memory(heapBefore, fill.tunnels().size());
                oneMore(demo);
            }
            status(gateway.status().capacity());
        } finally {
            close(fill.tunnels(), gateway);
        }
    }

    private void header(Gateway gateway) {
        String transport = gateway.status().transport();
        report.line(String.format(Locale.ROOT,
                "anchor capacity: the %s gateway%s, in pool mode, in front of %s, all on this machine",
                gateway.implementation(), transport == null ? "" : " (" + transport + ")",
                plural(settings.backends(), "echo backend")));
        report.line(String.format(Locale.ROOT, "  %s %s %s, %s, Java %s (%s)", System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"),
                plural(Runtime.getRuntime().availableProcessors(), "CPU"), Runtime.version(),
                System.getProperty("java.vm.name")));
    }

    /** The seed's arithmetic for this configuration; returns how many tunnels to open. */
    private long arithmetic(CapacityStatus capacity) {
        long slots = capacity.total().capacity();
        int backends = capacity.endpoints().size();
        report.section("The arithmetic, before filling");
        report.row("each backend", capacity.endpoints().get(0).formula()
                + "  (" + addresses(settings.sources()) + ", ports " + settings.ports() + ")");
        report.row("the gateway", capacity.formula());
        KernelPortRange kernel = KernelPortRange.read(KernelPortRange.LINUX);
        report.row("kernel mode, for scale", kernel.formula() + (kernel.known() ? " per backend" : ""));
        if (kernel.known()) {
            report.more("(ip_local_port_range " + kernel + "), x " + plural(backends, "backend") + " = "
                    + count((long) kernel.count() * backends) + ": the classic line,");
            report.more("\"about 28k (or 50k) ports x backends per source address\"");
        } else {
            report.more("the classic line: \"about 28k (or 50k) ports x backends per source address\"");
        }
        long target = Math.min(settings.tunnels(), slots);
        String what = target == slots ? plural(target, "tunnel") + ", one per slot"
                : plural(target, "tunnel") + " (--tunnels), of " + plural(slots, "slot");
        Optional<OpenFiles> files = OpenFiles.now();
        if (files.isEmpty()) {
            report.row("open files", "the limit is unknown on this system; a tunnel costs a gateway "
                    + FILES_PER_GATEWAY_TUNNEL + ", and " + FILES_PER_DEMO_TUNNEL + " in this demo");
            report.row("to open", what);
            return target;
        }
        OpenFiles f = files.get();
        long perGateway = f.tunnelsPerProcess(FILES_PER_GATEWAY_TUNNEL) / 100 * 100;
        long fit = f.tunnelsThatFitNow(FILES_PER_DEMO_TUNNEL);
        report.row("open files", count(f.limit()) + " per process at most (ulimit -n); a gateway spends "
                + FILES_PER_GATEWAY_TUNNEL + " per tunnel (the client's");
        report.more("socket and the backend's), so one gateway process holds about " + count(perGateway) + " tunnels");
        report.row("in this demo", FILES_PER_DEMO_TUNNEL + " per tunnel, as the clients and backends live in this process"
                + " too: room for " + count(fit));
        if (fit < target) {
            report.row("to open", plural(fit, "tunnel") + ", not " + count(target)
                    + ": no more fit under the open-file limit");
            report.more("(raise ulimit -n, or use fewer --ports or --sources, to fill every slot)");
            return fit;
        }
        report.row("to open", what);
        return target;
    }

    private void filled(TunnelFiller.Fill fill, long target, AcquireTimer.Figure acquire, Gateway gateway) {
        int opened = fill.tunnels().size();
        report.section("Filling the pool, " + Math.min(settings.concurrency(), target)
                + " at a time (a plain socket per tunnel: upgrade request, then read the 101)");
        if (fill.failure() == null) {
            report.row("opened", plural(opened, "tunnel") + ", every one answered 101");
        } else {
            report.row("opened", count(opened) + " of " + plural(target, "tunnel") + ", then it stopped");
            report.row("FAILED", fill.failure());
            problems.add("filling the pool stopped: " + fill.failure());
        }
        report.row("time to fill", Report.seconds(fill.nanos()) + String.format(Locale.ROOT, ", %,.0f tunnels/s",
                opened / Math.max(fill.seconds(), 1e-9)));
        SlotCounts total = gateway.status().capacity().total();
        report.row("slots in use", count(total.inUse()) + " of " + count(total.capacity())
                + ", as the gateway counts them");
        if (total.kernelRefusals() > 0) {
            report.row("refused by the kernel", plural(total.kernelRefusals(), "slot")
                    + " at bind or connect: something else on this machine holds the pair;");
            report.more("each rests " + UpstreamSource.TIME_WAIT.toSeconds() + " s and the gateway tried another");
        }
        report.row("one acquire", String.format(Locale.ROOT,
                "%.0f ns, and %.0f ns per release, in a loop over a SourcePortPool of the same shape",
                acquire.acquireNanos(), acquire.releaseNanos()));
        report.more(String.format(Locale.ROOT, "(%d x %d) in this process: %d ms warm-up, then %.1f million acquires;"
                        + " rough, not JMH", settings.sources().size(), settings.ports().count(),
                ACQUIRE_WARM_UP.toMillis(), acquire.acquires() / 1e6));
    }

    private void memory(long before, int tunnels) {
        long after = HeapGauge.liveBytes();
        report.section("Memory: heap in use after a full GC, the lowest of " + HeapGauge.SAMPLES + " samples");
        report.row("before the fill", Report.bytes(before));
        report.row("with " + plural(tunnels, "tunnel"), Report.bytes(after));
        report.row("per tunnel", Report.bytes((double) (after - before) / tunnels)
                + ", and that includes this process's client and backend for each");
        report.more("tunnel, not just the gateway's share; memory off the heap is not counted");
    }

    private void oneMore(Demo demo) {
        Gateway gateway = demo.gateway();
        SlotCounts before = gateway.status().capacity().total();
        if (before.free() != 0) {
            report.section("One more tunnel");
            report.row("skipped", plural(before.free(), "slot") + " still free, so the gateway would take it;"
                    + " fill every slot to see the 503");
            return;
        }
        report.section("One more tunnel, with every slot taken");
        int handshakes = handshakes(demo.backends());
        int connections = connections(demo.backends());
        try (RawTunnel extra = RawTunnel.open(gateway.address(), PATH, TIMEOUT)) {
            RawTunnel.Response answer = extra.response();
            Optional<String> retryAfter = answer.field("Retry-After");
            report.row("the gateway answered", answer.statusLine()
                    + retryAfter.map(s -> ", Retry-After: " + s).orElse(", with no Retry-After"));
            if (answer.status() != 503) {
                problems.add("the tunnel past capacity got '" + answer.statusLine() + "', not 503");
            } else if (retryAfter.isEmpty()) {
                problems.add("the 503 for the tunnel past capacity has no Retry-After");
            }
        } catch (IOException e) {
            report.row("the gateway answered", "nothing: " + Failures.describe(e));
            problems.add("the tunnel past capacity got no answer: " + Failures.describe(e));
        }
        int handshakesAfter = handshakes(demo.backends());
        int connectionsAfter = connections(demo.backends());
        if (handshakesAfter == handshakes && connectionsAfter == connections) {
            report.row("the backends", "saw no connection for it: " + plural(handshakes, "handshake") + " and "
                    + plural(connections, "open connection") + ", before and after");
        } else {
            report.row("the backends", "saw it: handshakes " + count(handshakes) + " -> " + count(handshakesAfter)
                    + ", open connections " + count(connections) + " -> " + count(connectionsAfter));
            problems.add("a backend saw a connection for the tunnel past capacity");
        }
        long refused = gateway.status().capacity().total().refusals() - before.refusals();
        report.row("refusals", "+" + refused + ": the gateway asked each backend's pool in turn, and none had a free slot");
    }

    private void status(CapacityStatus capacity) {
        SlotCounts total = capacity.total();
        report.section("/status capacity, from the gateway's own count");
        report.row("mode", capacity.mode());
        report.row("formula", capacity.formula());
        report.row("in use", count(total.inUse()));
        report.row("free", count(total.free()) + "  (set aside " + count(total.setAside())
                + ", refused since start " + count(total.refusals()) + ")");
        for (EndpointStatus e : capacity.endpoints()) {
            report.row(e.backend(), e.formula() + "; in use " + count(e.slots().inUse()) + ", free " + count(e.slots().free()));
        }
        for (String note : capacity.notes()) {
            report.row("note", note);
        }
    }

    private void close(List<RawTunnel> tunnels, Gateway gateway) {
        report.section("Closing");
        long start = System.nanoTime();
        long deadline = start + CLOSE_WAIT.toNanos();
        int ended = TunnelFiller.closeAll(tunnels, deadline);
        report.row("clients", plural(tunnels.size(), "tunnel") + " closed, a Close frame from each client; "
                + (ended == tunnels.size() ? "the far side ended every one" : count(ended) + " ended by the far side"));
        SlotCounts slots = awaitNoneInUse(gateway, deadline);
        String after = " after " + Report.seconds(System.nanoTime() - start);
        if (slots.inUse() > 0) {
            report.row("slots", count(slots.inUse()) + " still in use" + after);
            problems.add(plural(slots.inUse(), "slot") + " still in use " + CLOSE_WAIT.toSeconds()
                    + " s after the tunnels closed");
        } else if (slots.free() == slots.capacity()) {
            report.row("slots", "all " + plural(slots.capacity(), "slot") + " free" + after);
        } else {
            report.row("slots", "none in use" + after + "; " + count(slots.free()) + " free, " + count(slots.setAside())
                    + " set aside after the kernel refused them (back within " + UpstreamSource.TIME_WAIT.toSeconds() + " s)");
        }
    }

    /** The gateway's totals once no slot is in use, or as they are at the deadline. */
    private static SlotCounts awaitNoneInUse(Gateway gateway, long deadline) {
        while (true) {
            SlotCounts total = gateway.status().capacity().total();
            if (total.inUse() == 0 || System.nanoTime() - deadline >= 0) {
                return total;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static int handshakes(List<EchoServer> backends) {
        return (int) backends.stream().mapToLong(EchoServer::handshakeCount).sum();
    }

    private static int connections(List<EchoServer> backends) {
        return backends.stream().mapToInt(EchoServer::openConnections).sum();
    }

    /** E.g. {@code 127.0.0.2-127.0.0.3}; the sources are a range, as the option gave them. */
    private static String addresses(List<InetAddress> sources) {
        return sources.size() == 1 ? sources.get(0).getHostAddress()
                : sources.get(0).getHostAddress() + "-" + sources.getLast().getHostAddress();
    }
}
