package dev.anchor.bench;

import dev.anchor.conformance.Subject;
import dev.anchor.conformance.halfopen.HalfOpen;
import dev.anchor.conformance.targets.InProcessTarget;
import dev.anchor.core.gateway.GatewayProvider;
import dev.anchor.core.gateway.GatewayProviders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long each gateway takes to notice a backend that vanished without FIN or RST, under each
 * guard: heartbeats, TCP keepalive alone, and neither. Each run is the conformance suite's
 * half-open experiment (a network namespace of its own, the backend's packets dropped by
 * nftables); this prints them side by side, as the Heartbeats chapter shows them.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.anchor.bench.HalfOpenDetection --runs 3 --limit 30
 * </pre>
 *
 * Needs Linux, root, {@code ip} and {@code nft}; says so and stops otherwise.
 */
@Command(name = "half-open-detection", mixinStandardHelpOptions = true,
        description = "Time to detect a backend whose packets vanish, per implementation and guard.")
public final class HalfOpenDetection implements Callable<Integer> {
    @Option(names = "--impl", split = ",", defaultValue = "blocking,nio,netty",
            description = "Implementations to run (default: ${DEFAULT-VALUE})")
    List<String> implementations;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per implementation and guard (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--limit", defaultValue = "30", description = "Seconds to watch before reporting 'not detected' (default: ${DEFAULT-VALUE})")
    int limitSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new HalfOpenDetection()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Duration limit = Duration.ofSeconds(limitSeconds);
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-10s %-72s %s", "guard", "settings", "time to detect, per implementation"));
        for (HalfOpen.Guard guard : HalfOpen.Guard.values()) {
            List<String> cells = new ArrayList<>();
            for (String name : implementations) {
                GatewayProvider provider = GatewayProviders.find(name)
                        .orElseThrow(() -> new IllegalArgumentException("no implementation " + name + " in this build"));
                Subject subject = new Subject(name, new InProcessTarget(name, provider), Map.of());
                List<String> times = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    HalfOpen.Result r = HalfOpen.run(subject, guard, limit);
                    times.add(r.detected() ? r.detectedAfter().toMillis() + " ms" : "not detected in " + limitSeconds + " s");
                }
                cells.add(name + ": " + String.join(", ", times));
            }
            rows.add(String.format("%-10s %-72s %s", guard.name().toLowerCase(Locale.ROOT), guard.settings(),
                    String.join("; ", cells)));
        }
        rows.forEach(System.out::println); // at the end: the gateways' logs came between the runs
        return 0;
    }
}
