package dev.anchor.core.health;

import dev.anchor.core.config.HealthConfig;
import dev.anchor.core.lifecycle.Departures;
import dev.anchor.core.route.Backend;
import dev.anchor.core.route.BackendHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The active probes of the configured backends: one {@link HealthProbe} per endpoint every
 * {@code health.active.interval}, counted into its {@link BackendHealth} as HAProxy counts them.
 * A reload replaces the set of endpoints and the settings; an endpoint kept keeps its counts.
 */
public final class HealthChecks {
    private static final System.Logger LOG = System.getLogger(HealthChecks.class.getName());

    private final Departures timer;
    private final List<Future<?>> tasks = new ArrayList<>();
    private List<Backend> probed = List.of();

    public HealthChecks(Departures timer) {
        this.timer = timer;
    }

    /** Probes {@code backends} from now on, and stops probing any other; {@code wentDown} hears each fall. */
    public synchronized void watch(List<Backend> backends, HealthConfig config, Consumer<Backend> wentDown) {
        tasks.forEach(t -> t.cancel(false));
        tasks.clear();
        HealthConfig.Active active = config.active();
        List<Backend> before = probed;
        probed = active.enabled() ? List.copyOf(backends) : List.of();
        // an endpoint no probe watches any more is judged by passive marks alone, from up
        before.stream().filter(b -> !probed.contains(b)).forEach(b -> b.health().probesStopped());
        if (!active.enabled()) {
            return;
        }
        for (Backend b : backends) {
            AtomicBoolean probing = new AtomicBoolean();
            tasks.add(timer.every(active.interval(), () -> {
                if (probing.compareAndSet(false, true)) { // a slow probe is not overtaken by the next one
                    Thread.ofVirtual().name("anchor-probe").start(() -> {
                        try {
                            probe(b, active, wentDown);
                        } finally {
                            probing.set(false);
                        }
                    });
                }
            }));
        }
    }

    private static void probe(Backend b, HealthConfig.Active active, Consumer<Backend> wentDown) {
        Optional<String> failure = HealthProbe.run(b.address(), b.name(), active);
        BackendHealth.Change change = b.health().probed(failure.isEmpty(), active.rise(), active.fall(),
                failure.orElse(""));
        switch (change) {
            case WENT_DOWN -> {
                LOG.log(System.Logger.Level.WARNING, "backend {0} is down: {1} ({2} probes failed in a row)",
                        b.name(), failure.orElse(""), active.fall());
                wentDown.accept(b);
            }
            case CAME_UP -> LOG.log(System.Logger.Level.INFO, "backend {0} is up again ({1} probes passed in a row)",
                    b.name(), active.rise());
            case NONE -> { }
        }
    }

    public synchronized void stop() {
        tasks.forEach(t -> t.cancel(false));
        tasks.clear();
    }
}
