package dev.anchor.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/*
 * Peers: what does Anchor cost next to nginx and HAProxy, and next to no gateway at all?
 *
 * Every target runs as its own process pinned to one core (taskset -c 0): Anchor's three
 * implementations through `anchor run` with one event loop and heartbeats off, nginx with one
 * worker, HAProxy with one thread, all with their default buffers. The echo backend (the project's
 * echo server, its own process) and the load client (this JVM) share the other core, the same for
 * every target. "direct" sends the load to the backend itself: the upper bound of every figure.
 *
 * The loads (Case): many small messages in flight, large messages, round trips one at a time,
 * upgrades in a loop, and thousands of idle tunnels. Besides throughput and latency it reads the
 * gateway's CPU from /proc over exactly the measured window, so the cost per message and per
 * upgrade can be compared even where the load core, not the gateway, sets the pace. Every echoed
 * byte is checked: a wrong or lost byte stops the run.
 *
 * Repetitions are interleaved: for each repetition every target in turn, in reverse order on
 * even repetitions, so drift in the machine spreads across targets instead of landing on one.
 * Each target is started once per repetition and settled before its first case: upgrades and
 * small echoes until a JVM's JIT compilers have gone quiet. A JVM pinned to the one core it serves
 * from compiles there; measured fresh, it is charged for its compiler, and a gateway in service
 * paid for that in its first minute. Then every case runs in order, each warmed up and measured,
 * the idle tunnels last. The figures are the median of the repetitions, with the lowest and
 * highest kept beside it, and every raw figure is in the JSON.
 *
 * Hypothesis: nginx and HAProxy, written in C around one event loop, spend less CPU per message
 * and per upgrade than any of Anchor's implementations, and hold less memory per idle tunnel than
 * a JVM; among Anchor's, the selector-based ones (nio, netty) beat blocking on virtual threads for
 * small messages, as GatewayBench_01 found on shared cores.
 *
 * HOW TO RUN THIS BENCHMARK (from the repository's root; it takes about 20 minutes):
 *
 *   mvn -o -q package -DskipTests -pl cli,benchmarks -am
 *   java -cp benchmarks/target/benchmarks.jar dev.anchor.bench.peers.PeersBenchmark --out docs/results/peers.json
 *   java -cp benchmarks/target/benchmarks.jar dev.anchor.bench.peers.PeersTable docs/results/peers.json
 *
 * --quick runs every case once, briefly, with 1,000 idle tunnels: a smoke test of a minute or two.
 */
@Command(name = "peers", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Anchor's three gateways, nginx and HAProxy under the same loads, interleaved, pinned, every echo checked.")
public final class PeersBenchmark implements Callable<Integer> {
    @Option(names = "--reps", description = "Interleaved repetitions (default: 3; 1 with --quick)")
    Integer reps;

    @Option(names = "--targets", split = ",", defaultValue = "direct,blocking,nio,netty,nginx,haproxy",
            description = "In this order within each case (default: ${DEFAULT-VALUE})")
    List<String> targets;

    @Option(names = "--cases", split = ",", defaultValue = "echo-64B,echo-64KiB,rtt-1,rtt-32,upgrades,idle-tunnels",
            description = "Default: ${DEFAULT-VALUE}")
    List<String> cases;

    @Option(names = "--out", defaultValue = "docs/results/peers.json", description = "The JSON results (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quick", description = "A smoke run: 1 repetition, 1 s warm-up, 2 s measurement, 1,000 idle tunnels")
    boolean quick;

    @Option(names = "--warmup", description = "Seconds of warm-up before each measurement (default: 3; 1 with --quick)")
    Integer warmupSeconds;

    @Option(names = "--measure", description = "Seconds of each measurement (default: 5; 2 with --quick)")
    Integer measureSeconds;

    @Option(names = "--tunnels", description = "Idle tunnels to open (default: 9000; 1000 with --quick)")
    Integer tunnels;

    @Option(names = "--anchor-jar", defaultValue = "cli/target/anchor.jar", description = "Default: ${DEFAULT-VALUE}")
    Path anchorJar;

    @Option(names = "--templates", defaultValue = "benchmarks/peers", description = "The gateways' configuration templates (default: ${DEFAULT-VALUE})")
    Path templates;

    @Option(names = "--gateway-cpu", defaultValue = "0", description = "The core every gateway is pinned to (default: ${DEFAULT-VALUE})")
    String gatewayCpu;

    @Option(names = "--load-cpu", defaultValue = "1", description = "The core of the echo backend and of this load client (default: ${DEFAULT-VALUE})")
    String loadCpu;

    @Option(names = "--pause-while", paramLabel = "FILE",
            description = "Before each measurement, wait while this file exists (another timing-sensitive job on a shared machine); at most 20 minutes")
    Path pauseWhile;

    @Option(names = "--anchor-jvm-option", paramLabel = "OPTION",
            description = "An option for Anchor's JVM, such as -XX:StartFlightRecording=... to profile it; repeatable. "
                    + "Figures measured with one are not comparable with the defaults'")
    List<String> anchorJvmOptions = List.of();

    private String[] args;
    private final long started = System.nanoTime();

    public static void main(String[] args) {
        PeersBenchmark benchmark = new PeersBenchmark();
        benchmark.args = args;
        System.exit(new CommandLine(benchmark).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Machine machine = Machine.probe();
        pinThisProcess(loadCpu);
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));

        List<Target> runnable = new ArrayList<>();
        List<Results.Skipped> skipped = new ArrayList<>();
        for (String id : targets) {
            Target t = Target.byId(id);
            t.skipReason().ifPresentOrElse(reason -> {
                skipped.add(new Results.Skipped(t.id(), reason));
                progress("skipping %s: %s", t.id(), reason);
            }, () -> runnable.add(t));
        }
        if (runnable.stream().anyMatch(Target::isAnchor) && !Files.isRegularFile(anchorJar)) {
            throw new IllegalStateException(anchorJar + " is missing: mvn -o -q package -DskipTests -pl cli,benchmarks -am");
        }
        Plan plan = new Plan(orElse(reps, 3, 1), Duration.ofSeconds(orElse(warmupSeconds, 3, 1)),
                Duration.ofSeconds(orElse(measureSeconds, 5, 2)), orElse(tunnels, 9_000, 1_000),
                runnable, cases.stream().map(Case::byId).toList());
        progress("%d targets x %d cases x %d repetitions = %d measurements, about %d minutes; gateways on cpu %s, "
                        + "echo backend and load client on cpu %s", plan.targets().size(), plan.cases().size(), plan.reps(),
                plan.measurements(), plan.estimate().toMinutes() + 1, gatewayCpu, loadCpu);

        Path work = Files.createTempDirectory("anchor-peers-");
        GatewayUnderTest.Setup setup = new GatewayUnderTest.Setup(
                Path.of(System.getProperty("java.home"), "bin", "java"), anchorJvmOptions, anchorJar, templates, gatewayCpu);
        List<Results.Run> runs = new ArrayList<>();
        String where = "starting the echo backend";
        try (EchoBackendProcess backend = EchoBackendProcess.start(loadCpu, setup.java(), work.resolve("echo-backend.log"))) {
            where = "warming up against direct";
            warmUp(plan, backend, setup, work);
            CaseRunner runner = new CaseRunner(plan, backend);
            int done = 0;
            // tag::repetitions[]
            for (int rep = 1; rep <= plan.reps(); rep++) {
                for (Target t : plan.targetsInRepetition(rep)) {
                    where = String.format("rep %d/%d %s, starting", rep, plan.reps(), t.id());
                    awaitQuietMachine();
                    try (GatewayUnderTest gateway = GatewayUnderTest.start(t, setup, backend.port(), work.resolve(rep + "-" + t.id()))) {
                        where = String.format("rep %d/%d %s, settling", rep, plan.reps(), t.id());
                        Duration settled = runner.settle(gateway);
                        progress("rep %d/%d %s: settled in %.0f s", rep, plan.reps(), t.id(), settled.toMillis() / 1e3);
                        for (Case c : plan.cases()) {
                            where = String.format("rep %d/%d %s %s", rep, plan.reps(), t.id(), c.id());
                            awaitQuietMachine();
                            Figures figures = runner.run(c, gateway).put("settleSeconds", settled.toMillis() / 1e3);
                            if (!backend.isAlive()) {
                                throw new IllegalStateException("the echo backend died");
                            }
                            runs.add(new Results.Run(rep, c.id(), t.id(), figures.asMap()));
                            done++;
                            progress("%s: %s  [%d/%d]", where, c.headline(figures.asMap()), done, plan.measurements());
                        }
                    }
                }
            }
            // end::repetitions[]
        } catch (Exception e) {
            progress("FAILED at %s: %s", where, e.getMessage());
            progress("the gateways' configurations and logs are kept in %s", work);
            return 1;
        }
        deleteTree(work);

        Results results = new Results("peers", LocalDate.now().toString(), (System.nanoTime() - started) / 60e9,
                "java -cp benchmarks/target/benchmarks.jar " + PeersBenchmark.class.getName() + " " + String.join(" ", args),
                machine, method(plan), skipped, runs, Results.summarize(runs));
        results.write(out);
        progress("wrote %s", out);
        System.out.println();
        System.out.print(PeersTable.render(results));
        return 0;
    }

    /**
     * One short, unrecorded pass of every load against direct, so that the echo backend and this
     * client are compiled before the first measured target, which would otherwise pay for it.
     */
    private void warmUp(Plan plan, EchoBackendProcess backend, GatewayUnderTest.Setup setup, Path work) throws Exception {
        Plan brief = new Plan(1, Duration.ofSeconds(1), Duration.ofSeconds(2), 0, List.of(Target.DIRECT), List.of());
        progress("warming up the echo backend and the load client against direct");
        CaseRunner runner = new CaseRunner(brief, backend);
        for (Case c : plan.cases()) {
            if (c != Case.IDLE_TUNNELS) {
                try (GatewayUnderTest direct = GatewayUnderTest.start(Target.DIRECT, setup, backend.port(), work)) {
                    runner.run(c, direct);
                }
            }
        }
    }

    private void awaitQuietMachine() throws InterruptedException {
        if (pauseWhile == null || !Files.exists(pauseWhile)) {
            return;
        }
        progress("pausing while %s exists", pauseWhile);
        long end = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        while (Files.exists(pauseWhile)) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException(pauseWhile + " still exists after 20 minutes");
            }
            Thread.sleep(30_000);
        }
        progress("resuming");
    }

    private Results.Method method(Plan plan) {
        Map<String, String> caseTitles = new LinkedHashMap<>();
        for (Case c : plan.cases()) {
            caseTitles.put(c.id(), c.title().replace("open N", String.format(Locale.ROOT, "open %,d", plan.idleTunnels())));
        }
        return new Results.Method(plan.reps(), plan.warmup().toMillis() / 1e3, plan.measure().toMillis() / 1e3,
                plan.idleTunnels(),
                "each gateway pinned to cpu " + gatewayCpu + " (taskset -c " + gatewayCpu + "); the echo backend and the load client"
                        + " pinned to cpu " + loadCpu,
                "for each repetition, each target in turn (in reverse order on even repetitions): started, settled (upgrades and"
                        + " small echoes until its JIT compilers are idle), then every case in order, each warmed up and measured,"
                        + " the idle tunnels last; stopped after the last case",
                "this JVM: one selector thread for echoes and round trips, 32 platform threads with blocking channels for"
                        + " upgrades and for opening idle tunnels; every echoed byte checked",
                plan.targets().stream().map(Target::id).toList(), caseTitles);
    }

    private int orElse(Integer value, int full, int quickValue) {
        return value != null ? value : quick ? quickValue : full;
    }

    /** Pins every thread of this JVM, and so every thread it starts later, to one core. */
    private static void pinThisProcess(String cpu) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpu, Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("taskset (util-linux) could not pin this process to cpu " + cpu + ": " + output);
        }
    }

    private void progress(String format, Object... values) {
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        System.out.printf(Locale.ROOT, "[%2d:%02d] %s%n", seconds / 60, seconds % 60, String.format(Locale.ROOT, format, values));
        System.out.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
