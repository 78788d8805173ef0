package dev.anchor.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * Lesson 02: how long does one small message take to go there and back?
 *
 * Lesson 01 kept 8 messages in flight, so it measured throughput. Here every connection has exactly
 * one: send 64 bytes, wait for the echo, send the next. One invocation is then one message's round
 * trip, and Mode.SampleTime keeps the distribution of those times, so JMH prints percentiles;
 * p50 and p99 are the ones to read (p99.9 and the maximum of a short run rest on a handful of
 * samples). "direct" is the echo server itself, the lower bound; the other values put that
 * implementation in between, heartbeat off.
 *
 * "connections" is how many connections have a message in flight at once. With 32, the
 * benchmark thread measures one connection, and 31 more run the same loop (the same EchoConnection
 * code, each on a platform thread of its own) for as long as the trial lasts. Why not 32 JMH threads
 * (@Threads): JMH cannot take a thread count from a @Param, so the two rows would need two methods
 * and could not share one parameter table. Why not one thread driving 32 sockets: JMH times one
 * invocation, and for that time to be a message's round trip the thread that sends must be the one
 * that waits for that echo; one thread juggling 32 connections would time either the gap between
 * two echoes (throughput in disguise) or a burst of 32 sent together and the slowest of them. The
 * measured connection is one of 32 alike, so its distribution is theirs; JMH samples only it.
 * This is a closed loop: no connection sends its next message before the last came back, so the
 * load slows down with the gateway and a latency here never includes waiting to be sent.
 *
 * Hypothesis, one connection: a round trip direct costs two wakeups (the echo server's event loop,
 * then this thread) and four syscalls; a gateway adds two more wakeups and four more syscalls (it
 * reads the frame and writes it on, and the same for the echo). On loopback the syscalls are cheap
 * and the wakeups are not, so a gateway should roughly double to triple direct's p50. nio and netty
 * wake a selector thread that is parked in epoll_wait; blocking wakes a virtual thread, which the
 * JDK's poller must unpark and the scheduler then mount on a carrier: one handoff more per hop,
 * so blocking's p50 should be the highest of the three.
 *
 * Hypothesis, 32 connections: on 2 vCPUs, 32 messages in flight keep both CPUs busy, so the system
 * is a queue and Little's law sets the mean: latency = 32 / messages per second. Lesson 01 (64 B,
 * 8 in flight on one connection) gave direct about 100,000 messages/s and the gateways 37,000 to
 * 46,000; 32 blocking client threads cost more per message than one, so expect p50 of at least
 * 0.3 ms direct and about 0.7 to 0.9 ms through a gateway, in lesson 01's order (blocking
 * slowest), with p99 within about 3x of p50, since every connection waits behind the same 31.
 *
 * Did it hold? From a short run (one fork, 2 warm-up and 3 measured iterations:
 * GatewayBench_02 -f 1 -wi 2 -i 3 -w 2s -r 1s) on a 2 vCPU AMD EPYC, 24 GiB, Debian 12, Linux
 * 6.18, Temurin 25.0.3; a first look, not a result. One connection, p50 / p99 in microseconds:
 * direct 39 / 122, nio 69 / 132, netty 80 / 155, blocking 142 / 398. nio and netty at 1.8x and
 * 2.0x direct's p50 are inside "double to triple", at its low end; blocking, slowest as predicted,
 * is at 3.6x, beyond it: the trip through the poller and the scheduler costs more than one wakeup
 * (its p50 also fell from 160 to 120 us over the three iterations: it wanted a longer warm-up).
 * 32 connections, p50 / p99: direct 567 / 1,356, netty 783 / 1,770, nio 987 / 2,391, blocking
 * 1,155 / 2,811. Direct is above its 0.3 ms floor and netty inside 0.7 to 0.9 ms; nio and blocking
 * are above that range. By Little's law the means (621, 817, 1,044 and 1,230 us) are 52,000,
 * 39,000, 31,000 and 26,000 round trips per second: 32 blocking client threads cost more per
 * message than I allowed for. Blocking was slowest, but nio and netty, within each other's
 * intervals in lesson 01, came apart here: netty's mean 817 ± 21 us against nio's 1,044 ± 23.
 * At 32 connections p99 stayed within 2.5x of p50 in every row. So the shape held and blocking's
 * place did; the size of the gap for blocking, and for nio at 32 connections, did not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class GatewayBench_02_RoundTripLatency {
    static final int MESSAGE_BYTES = 64;
    /** Holds the 101's head and one echo with room to spare; larger would only be idle memory. */
    static final int READ_BUFFER = 1024;

    @Param({"direct", "blocking", "nio", "netty"})
    public String implementation;

    @Param({"1", "32"})
    public int connections;

    private Target target;
    private EchoConnection measured;
    private final List<EchoConnection> others = new ArrayList<>();
    private final List<Thread> loops = new ArrayList<>();
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private volatile boolean running;

    @Setup(Level.Trial)
    public void start() throws Exception {
        target = new Target(implementation, "off");
        measured = new EchoConnection(target.address(), MESSAGE_BYTES, READ_BUFFER);
        running = true;
        for (int i = 1; i < connections; i++) {
            EchoConnection c = new EchoConnection(target.address(), MESSAGE_BYTES, READ_BUFFER);
            others.add(c);
            loops.add(Thread.ofPlatform().daemon().name("round-trip-" + i).start(() -> {
                try {
                    while (running) {
                        c.roundTrip();
                    }
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
    }

    // tag::round-trip-benchmark[]
    @Benchmark
    public void roundTrip() throws IOException {
        measured.roundTrip();
    }
    // end::round-trip-benchmark[]

    /** A connection of the other 31 that failed would leave the row measuring fewer; stop it instead. */
    @TearDown(Level.Iteration)
    public void check() throws IOException {
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        running = false;
        for (Thread t : loops) {
            t.join(5_000); // each finishes the round trip it is in; closing its socket below ends one that cannot
        }
        measured.close();
        for (EchoConnection c : others) {
            c.close();
        }
        target.close();
        check();
    }

    /*
     * HOW TO RUN THIS TEST (a JDK 21+ java; from the repository root):
     *
     *   mvn -pl benchmarks -am -Dmaven.test.skip=true package
     *   java -jar benchmarks/target/benchmarks.jar GatewayBench_02 -rf json -rff round-trip.json
     *
     * Narrow it with -p implementation=nio -p connections=32. JMH prints p0.00 to p1.00 under each
     * row; the JSON has them as scorePercentiles. -prof gc gives allocation per round trip with
     * connections=1 only: with 32 it divides what all 32 allocate by the measured one's round trips.
     * docs/benchmarks lists a run's numbers with its machine and command.
     */
    public static void main(String[] args) throws RunnerException {
        Options opt = new OptionsBuilder()
                .include(GatewayBench_02_RoundTripLatency.class.getSimpleName())
                .build();
        new Runner(opt).run();
    }
}
