package dev.anchor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Lesson 03: what does it cost to open a tunnel, use it once and close it?
 *
 * One operation is a whole short life: connect, send the upgrade request, read the 101 and check
 * its Sec-WebSocket-Accept, echo one 64-byte message (compared byte for byte), then the closing
 * handshake: our Close, the echo server's Close back, the server's FIN, our close. A client that
 * reconnects after every deploy or network blip, or a fleet of short-lived ones, pays this over and
 * over; lessons 01 and 02 never do, since their connections open once per trial. "direct" is the
 * echo server alone; the other values put that implementation in between, heartbeat off.
 *
 * One benchmark thread does one upgrade at a time, so the time per upgrade is a latency: every step
 * waits for the one before it, and the CPUs are partly idle. How many upgrades a gateway can take
 * per second is a CPU question; run with -t 2 (or more) for that. The echo server, a test fixture,
 * records the latest thousand upgrade requests it accepts; the benchmark empties that record after
 * each upgrade, so that what is measured is the upgrade.
 *
 * Where does TIME_WAIT go? The side that closes a TCP connection first keeps it in TIME_WAIT for
 * 60 s. If that were this client, every upgrade would hold an ephemeral port for a minute, and a
 * few thousand upgrades per second would use up the 28,232 ports of 32768-60999 in about ten
 * seconds; connect() would then fail, or (with tcp_tw_reuse) keep going on ports recycled by
 * timestamps, either way not the cost being measured. SO_LINGER 0 would avoid it by sending RST, a
 * close no real client makes. So the client does what RFC 6455 section 7.1.1 asks: after the Close
 * handshake it waits for the server to close TCP first, then closes. TIME_WAIT lands on the server
 * side (the gateway's client leg, and the echo server's side of the gateway's backend leg), where
 * the four-tuples differ by the client's port and the listening port is shared by all of them,
 * and a new SYN on a four-tuple in TIME_WAIT is accepted when its timestamp is newer. A gateway
 * that never closes its side shows as a SocketTimeoutException after 5 s, not as a fast row.
 *
 * Hypothesis: an upgrade is four exchanges in a row (TCP handshake, upgrade, echo, Close and FIN),
 * each of them a round trip; lesson 02's hypothesis puts a gateway at two to three times direct
 * per round trip, and a gateway adds work of its own on top: it accepts the client, connects to
 * the backend (a second TCP handshake, in series with the first), parses the request and the 101
 * and writes both on, and sets a tunnel up and takes it down. So expect each gateway at two to
 * four times direct's time per upgrade. Of the three, netty builds the most per upgrade (two
 * channels with their pipelines, a Bootstrap's connect with its promises), so expect it slowest;
 * blocking starts virtual threads (cheap: a few hundred bytes each) and nio registers two
 * channels with a selector, so expect those two close. Allocation per upgrade (-prof gc, every
 * thread of the JVM: client, gateway and echo server) in the tens of KB, most of it the two HTTP
 * heads and their parsing.
 *
 * Did it hold? From a short run (one fork, 6 warm-up and 3 measured iterations:
 * GatewayBench_03 -prof gc -f 1 -wi 6 -w 2s -i 3 -r 3s) on a 2 vCPU AMD EPYC, 24 GiB, Debian 12,
 * Linux 6.18, Temurin 25.0.3; a first look, not a result. Time per upgrade, with JMH's error over
 * three iterations (wide, with so few): direct 226 ± 363 us, nio 522 ± 2,237, netty 795 ± 1,166,
 * blocking 890 ± 2,549. That is 2.3x, 3.5x and 3.9x direct: inside "two to four times". The order
 * did not hold: blocking, not netty, was slowest, and nio was ahead of both in every iteration
 * (blocking was also unsettled, 1,046, 778, 845 us: it wants a longer warm-up). Allocation per
 * upgrade: direct 12.0 KB, netty 35.4 KB, nio 43.3 KB, blocking 81.5 KB, so a gateway adds 23, 31
 * and 70 KB. Tens of KB for netty and nio, as predicted; blocking allocates twice what nio does,
 * which I did not foresee. My guess, not verified: two or three virtual threads per upgrade, and
 * each park in a read copies the thread's frames into a stack chunk on the heap. Every fork upgraded
 * without a break for about 21 s and none failed; ss saw up to 7,004 connections in TIME_WAIT on
 * the target's side and at most 8 matching the client's side (a filter on the port number alone,
 * which other connections can share; an in-process count of /proc/net/tcp in an earlier run of
 * this lesson found 0 on the client's side in all four trials). After each trial the gateway
 * counted 0 tunnels, the echo server 0 connections, and the process had as many open files as
 * when it started.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// an upgrade runs far more code than an echo: after 2 or 3 warm-up iterations of 2 s its time was still falling
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class GatewayBench_03_UpgradeCost {
    static final int MESSAGE_BYTES = 64;
    /** Holds the 101's head and one echo with room to spare; every upgrade allocates it anew. */
    static final int READ_BUFFER = 1024;

    @Param({"direct", "blocking", "nio", "netty"})
    public String implementation;

    private Target target;
    private long filesAtStart;

    @Setup(Level.Trial)
    public void start() throws Exception {
        target = new Target(implementation, "off");
        filesAtStart = openFiles();
        System.out.printf("%nupgrading through %s%n", target.address()); // for ss, while it runs
    }

    // tag::upgrade-benchmark[]
    @Benchmark
    public void upgrade() throws IOException {
        try (EchoConnection c = new EchoConnection(target.address(), MESSAGE_BYTES, READ_BUFFER)) {
            c.roundTrip();
            c.closeHandshake();
        }
        target.forgetHandshakes(); // the echo server's test record
    }
    // end::upgrade-benchmark[]

    /**
     * Every client has closed by now: whatever the gateway or the echo server still holds after a
     * few seconds, it has lost track of. Printed rather than thrown, so that the row still comes out.
     */
    @TearDown(Level.Trial)
    public void stop() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((target.openTunnels() > 0 || target.backendConnections() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        System.out.printf("%nafter the trial: %d tunnels and %d backend connections open, %+d open files since the start%n",
                target.openTunnels(), target.backendConnections(), openFiles() - filesAtStart);
        target.close();
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /*
     * HOW TO RUN THIS TEST (a JDK 21+ java; from the repository root):
     *
     *   mvn -pl benchmarks -am -Dmaven.test.skip=true package
     *   java -jar benchmarks/target/benchmarks.jar GatewayBench_03 -prof gc -rf json -rff upgrade-cost.json
     *
     * Narrow it with -p implementation=netty. -prof gc adds gc.alloc.rate.norm, the bytes allocated
     * per upgrade by every thread of the JVM. Add -t 2 to see how many upgrades two clients get
     * through, rather than how long one takes. The set-up prints the address it upgrades
     * through; while it runs, ss -Htan state time-wait dport = :PORT | wc -l counts the connections
     * in TIME_WAIT on the client's side (0 is right), and sport = :PORT those on the target's.
     * docs/benchmarks lists a run's numbers with its machine and command.
     */
    public static void main(String[] args) throws RunnerException {
        Options opt = new OptionsBuilder()
                .include(GatewayBench_03_UpgradeCost.class.getSimpleName())
                .build();
        new Runner(opt).run();
    }
}
