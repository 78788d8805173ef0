package dev.anchor.bench;

import java.io.IOException;
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

// tag::lesson-01[]
/*
 * Lesson 01: what does a gateway cost in echo throughput?
 *
 * One WebSocket connection sends binary messages to a Netty echo server and reads them back, with
 * WINDOW messages in flight so the pipe stays full and the number is throughput, not round-trip
 * latency. "direct" talks to the echo server itself: no gateway can beat it, so it is the upper
 * bound. Every other value puts that implementation in between, which adds a second TCP
 * connection, a read and a write per chunk per direction, and (for blocking) a thread handoff.
 * "blocking-platform" is the blocking gateway on platform threads instead of virtual ones.
 * "netty" runs both legs of a pair on one event loop thread (epoll here), which reads the next
 * buffer only once the last one is written to the other leg.
 *
 * Hypothesis: small messages are bound by per-message costs (syscalls, wakeups), so a gateway
 * roughly halves throughput there, whichever I/O model; at 64 KiB the copies dominate and the
 * gap narrows, because a gateway forwards in large chunks without looking inside them. Virtual
 * threads pay for parking and unparking on every read that finds no data yet; platform threads
 * block in the kernel instead, so with one connection they should be at least as fast. Netty
 * hands no bytes between threads at all, so it should be at least as fast as either; its cost is
 * a trip through the event loop (epoll_wait, then a read) for every chunk.
 *
 * "heartbeat" is the gateway's heartbeat.mode. With "ping" the gateway follows the frames in both
 * directions (a header state machine over every buffer, payloads skipped) so it could put a Ping
 * between two of them; on a busy connection it never needs to, so what the row measures is the
 * cost of frame awareness alone. Hypothesis: at 64 KiB a frame header is 14 bytes in 65,550, the
 * scanner jumps over the rest, and ping keeps at least 90% of off; at 64 bytes the header is a
 * fifth of the traffic and the per-buffer work shows more. "direct" has no gateway and ignores it.
 *
 * One operation is one message echoed. Bytes per second = ops/s x size (each way).
 */
// end::lesson-01[]
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class GatewayBench_01_EchoThroughput {
    static final int WINDOW = 8;

    @Param({"direct", "blocking", "blocking-platform", "nio", "netty"})
    public String implementation;

    @Param({"64", "4096", "65536"})
    public int messageBytes;

    @Param({"off", "ping"})
    public String heartbeat;

    private Target target;
    private EchoConnection connection;

    @Setup(Level.Trial)
    public void start() throws Exception {
        target = new Target(implementation, heartbeat);
        connection = new EchoConnection(target.address(), messageBytes);
        for (int i = 0; i < WINDOW; i++) {
            connection.send();
        }
    }

    // tag::echo-benchmark[]
    @Benchmark
    public int echo() throws IOException {
        connection.send();
        return connection.receive();
    }
    // end::echo-benchmark[]

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        connection.close();
        target.close();
    }

    /*
     * HOW TO RUN THIS TEST (a JDK 21+ java; from the repository root):
     *
     *   mvn -pl benchmarks -am -Dmaven.test.skip=true package
     *   java -jar benchmarks/target/benchmarks.jar GatewayBench_01 -rf json -rff echo-throughput.json
     *
     * Narrow it with -p implementation=blocking -p messageBytes=65536 -p heartbeat=off; add -prof gc
 * for allocation.
     * docs/benchmarks lists a run's numbers with its machine and command.
     */
    public static void main(String[] args) throws RunnerException {
        Options opt = new OptionsBuilder()
                .include(GatewayBench_01_EchoThroughput.class.getSimpleName())
                .build();
        new Runner(opt).run();
    }
}
