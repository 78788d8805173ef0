package dev.anchor.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/*
 * Lesson 04: how much memory does a tunnel hold while nothing passes through it?
 *
 * Most WebSockets are quiet most of the time, so how many tunnels a gateway can hold is set by
 * what an idle one costs. The trial's set-up opens "tunnels" tunnels through an in-process gateway,
 * proves each with one echo, and reads the live heap (after full collections, once the used heap
 * stops moving), the JDK's direct buffers (BufferPoolMXBean "direct") and the direct memory Netty
 * counts for itself (Netty 4.2 allocates where the MXBean does not look) before and after opening
 * them. Divided by the number of tunnels, they are reported as heapPerIdleTunnel,
 * directPerIdleTunnel and nettyDirectPerIdleTunnel, in bytes, by the RetainedMemory profiler
 * (-prof dev.anchor.bench.RetainedMemory; its comment says why not @AuxCounters): secondary
 * results, in the result JSON next to the score. They are read once per trial, so every iteration
 * of a fork repeats its fork's figure; compare forks, not the error column, which sees no spread
 * within a fork. The set-up prints the readings.
 *
 * Everything runs in one JVM: the clients, the gateway and the echo server. So "direct" (the
 * clients talking to the echo server) is the baseline, and a gateway's own cost per idle tunnel is
 * its row minus direct's. That is also why the count stays well under the 20,000 open files a
 * process may have here: a tunnel is four sockets in this process (client, the gateway's two legs,
 * the echo server's), so 1,000 tunnels are 4,000 files.
 *
 * Retained heap is not what the peers benchmark (dev.anchor.bench.peers) reports. That one runs the
 * gateway as a process of its own and reads its resident set size from /proc: every page the
 * process has touched, so the heap as far as the collector has spread over it (garbage and free
 * space included, since nothing forces a collection there), platform threads' stacks, the code
 * cache and metaspace, malloc's arenas and direct buffers. Retained heap is only the live Java
 * objects: what the gateway's code decides to keep per tunnel, without the collector's slack.
 * Neither counts the kernel's socket buffers, which are the kernel's memory, not the process's.
 * Expect RSS per tunnel above heap plus direct per tunnel, by an amount that depends on the
 * collector more than on the gateway.
 *
 * The benchmark operation is one more tunnel opened, used once and closed, as in lesson 03, while
 * the idle ones sit there: with -prof gc it gives the bytes allocated per upgrade with "tunnels"
 * idle tunnels around. After each iteration the heap is read again, and heapKeptPerClosedTunnel
 * is its growth since the idle tunnels were open, per extra tunnel opened and closed so far: a
 * gateway that forgets to let go of closed tunnels shows there. The echo server, a test fixture,
 * records every upgrade request it accepts (a gateway's, with the fields it adds, is larger than a
 * client's); the benchmark empties that record before each reading and after each extra upgrade
 * (Target.forgetHandshakes says why), so no figure counts it.
 *
 * Hypothesis (a gateway's share, its row minus direct): blocking holds two 16 KiB relay buffers
 * per tunnel for the tunnel's whole life (tunnel.buffer, one byte[] per direction) and two virtual
 * threads parked in read, whose stacks are heap objects while parked: 33 to 40 KiB of heap per
 * tunnel, no direct memory. nio lends its direct buffers to a direction only while bytes are in
 * flight (BufferPool), so an idle tunnel holds objects only: two socket channels and their
 * selection keys, the tunnel, its legs and its accounting: 2 to 4 KiB of heap, no direct memory.
 * netty holds no buffer while idle either (reads release theirs), but a Netty channel is heavier
 * than a selection key (pipeline, handler contexts, allocator handle, promises): 4 to 8 KiB of
 * heap, and no direct memory per tunnel beyond its arenas' chunks, which are per thread. All well
 * below the peers benchmark's RSS per tunnel (49.3, 14.1 and 14.2 KiB for blocking, nio and
 * netty). Idle tunnels cost memory, not work: the time per extra upgrade should match lesson 03's,
 * and heapKeptPerClosedTunnel should be direct's, whatever the gateway.
 *
 * Did it hold? From a short run (one fork, 6 warm-up and 3 measured iterations:
 * GatewayBench_04 -prof gc -prof dev.anchor.bench.RetainedMemory -f 1 -wi 6 -w 2s -i 3 -r 3s) on a
 * 2 vCPU AMD EPYC, 24 GiB, Debian 12, Linux 6.18, Temurin 25.0.3; a first look, not a result.
 * Heap per idle tunnel: direct 4,378 bytes; nio 6,876, so 2,498 (2.4 KiB) of its own; netty 8,534,
 * so 4,156 (4.1 KiB); blocking 66,958, so 62,580 (61.1 KiB). JDK direct buffers and Netty's direct
 * memory: 0 per tunnel in every row (Netty counted 2.77 MB with the netty gateway and 0.79 MB
 * without, the same before and after the 1,000 tunnels: its arenas are per thread). nio and netty
 * held, netty at the low end of its range. Blocking did not: 61 KiB, not 33 to 40. A class
 * histogram of 1,000 idle blocking tunnels (taken outside this benchmark) shows 52 KB of byte
 * arrays per tunnel: the two 16 KiB relay buffers, and the two 8 KiB buffers the handshake read
 * the heads into, which stay reachable because the handshake's virtual thread goes on to run the
 * client-to-backend relay itself (Tunnel.run) with those buffers still in its frame; plus 6.6 KB
 * of stack chunks for the two parked threads. Nor is it below the peers benchmark's RSS: 61 KiB of
 * live heap per tunnel here against 49.3 KiB of RSS there. A difference of RSS is not a ceiling on
 * live data: the gateway's heap already had pages touched by garbage before its tunnels opened,
 * and live tunnels can fill those without raising RSS (and that run is another process, another
 * collector, 9,000 tunnels). Per extra upgrade with 1,000 idle tunnels: direct 198 ± 215 us,
 * netty 509 ± 1,182, nio 659 ± 1,796, blocking 920 ± 2,025; lesson 03's run gave 226, 795, 522
 * and 890. Within these wide intervals, so the short run cannot tell them apart, and no more.
 * Allocation per upgrade matched lesson 03 within 2% in every row (12.2, 34.9, 44.2 and 81.5 KB):
 * idle tunnels cost no allocation per upgrade. heapKeptPerClosedTunnel was 4 to 6 bytes for direct,
 * blocking and netty (nothing kept), but 43 for nio (44, 42, 42 in the three iterations), so that
 * part did not hold. A histogram taken the same way shows one 32-byte Timekeeper.Timer per closed
 * tunnel: nio leaves a cancelled timer in its queue until its deadline (by design, Timekeeper
 * says) and drops cancelled ones only from the head; the idle tunnels' live timers sit at the
 * head, so each closed tunnel's cancelled tick (due after the idle timeout, 5 min) stays behind
 * them until then. Bounded by upgrades per second times 5 minutes, so not a leak; at 2,000
 * upgrades a second, 600,000 timers, about 20 MB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// an upgrade runs far more code than an echo: after 2 or 3 warm-up iterations of 2 s its time was still falling
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class GatewayBench_04_IdleTunnelMemory {
    static final int MESSAGE_BYTES = 64;
    /** Holds the 101's head and one echo: 1,000 idle clients with 128 KiB each would swamp the figures. */
    static final int READ_BUFFER = 1024;
    /** Opened and closed before the first reading, so class loading, pools and per-thread caches do not count as tunnels. */
    static final int WARM_UP_TUNNELS = 64;

    @Param({"direct", "blocking", "nio", "netty"})
    public String implementation;

    @Param({"1000"})
    public int tunnels;

    private Target target;
    private final List<EchoConnection> idle = new ArrayList<>();
    private long heapWithIdleTunnels;
    private long extraTunnels;

    @Setup(Level.Trial)
    public void open() throws Exception {
        RetainedMemory.clear();
        target = new Target(implementation, "off");
        for (int i = 0; i < WARM_UP_TUNNELS; i++) {
            openUseAndClose(target);
        }
        RetainedMemory.Reading before = RetainedMemory.settled();
        for (int i = 0; i < tunnels; i++) {
            EchoConnection c = new EchoConnection(target.address(), MESSAGE_BYTES, READ_BUFFER);
            idle.add(c);
            c.roundTrip();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (target.openTunnels() != tunnels && System.nanoTime() < deadline) {
            Thread.sleep(50); // the ends of the warm-up tunnels may still be on their way through the gateway
        }
        if (target.openTunnels() != tunnels) {
            throw new IllegalStateException(tunnels + " tunnels open, but the gateway counts " + target.openTunnels());
        }
        target.forgetHandshakes();
        RetainedMemory.Reading after = RetainedMemory.settled();
        heapWithIdleTunnels = after.heap();
        long heap = (after.heap() - before.heap()) / tunnels;
        long direct = (after.direct() - before.direct()) / tunnels;
        long nettyDirect = (after.nettyDirect() - before.nettyDirect()) / tunnels;
        RetainedMemory.report("heapPerIdleTunnel", heap);
        RetainedMemory.report("directPerIdleTunnel", direct);
        RetainedMemory.report("nettyDirectPerIdleTunnel", nettyDirect);
        System.out.printf("%n%,d idle tunnels: live heap %,d -> %,d bytes, JDK direct buffers %,d -> %,d bytes,"
                        + " Netty's direct memory %,d -> %,d bytes: per tunnel %,d bytes of heap, %,d of JDK direct buffers"
                        + " and %,d of Netty's direct memory%n",
                tunnels, before.heap(), after.heap(), before.direct(), after.direct(), before.nettyDirect(), after.nettyDirect(),
                heap, direct, nettyDirect);
    }

    // tag::idle-tunnel-benchmark[]
    @Benchmark
    public void upgradeAmongIdleTunnels() throws IOException {
        openUseAndClose(target);
        extraTunnels++;
    }
    // end::idle-tunnel-benchmark[]

    private static void openUseAndClose(Target target) throws IOException {
        try (EchoConnection c = new EchoConnection(target.address(), MESSAGE_BYTES, READ_BUFFER)) {
            c.roundTrip();
            c.closeHandshake();
        }
        target.forgetHandshakes(); // the echo server's test record
    }

    @TearDown(Level.Iteration)
    public void kept() throws InterruptedException {
        if (extraTunnels > 0) {
            RetainedMemory.report("heapKeptPerClosedTunnel",
                    (double) (RetainedMemory.settled().heap() - heapWithIdleTunnels) / extraTunnels);
        }
    }

    /** Each idle tunnel still echoes: none was dropped while the extra ones came and went. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            for (EchoConnection c : idle) {
                c.roundTrip();
            }
        } finally {
            for (EchoConnection c : idle) {
                c.close();
            }
            target.close();
        }
    }

    /*
     * HOW TO RUN THIS TEST (a JDK 21+ java; from the repository root):
     *
     *   mvn -pl benchmarks -am -Dmaven.test.skip=true package
     *   java -jar benchmarks/target/benchmarks.jar GatewayBench_04 -prof dev.anchor.bench.RetainedMemory \
     *       -prof gc -rf json -rff idle-tunnels.json
     *
     * Without -prof dev.anchor.bench.RetainedMemory the memory figures are only in the set-up's
     * printed line. -prof gc adds gc.alloc.rate.norm, the bytes allocated per extra upgrade by every
     * thread of the JVM. -p tunnels=4000 shows whether the figure per tunnel holds at a larger count
     * (4 open files per tunnel: stay well under ulimit -n). docs/benchmarks lists a run's numbers
     * with its machine and command.
     */
    public static void main(String[] args) throws RunnerException {
        Options opt = new OptionsBuilder()
                .include(GatewayBench_04_IdleTunnelMemory.class.getSimpleName())
                .addProfiler(RetainedMemory.class)
                .build();
        new Runner(opt).run();
    }
}
