package dev.anchor.bench.peers;

import java.time.Duration;
import java.util.List;

/**
 * What a run does: which targets and cases, how often, and for how long. Each measurement warms
 * up first (discarded), then measures; the idle-tunnel case has no warm-up and takes as long as
 * opening the tunnels takes.
 */
record Plan(int reps, Duration warmup, Duration measure, int idleTunnels, List<Target> targets, List<Case> cases) {
    Plan {
        targets = List.copyOf(targets);
        cases = List.copyOf(cases);
    }

    int measurements() {
        return reps * targets.size() * cases.size();
    }

    /** A rough estimate for the progress report: start, warm-up, measurement and stop of every one. */
    Duration estimate() {
        long seconds = 0;
        for (Case c : cases) {
            long each = c == Case.IDLE_TUNNELS ? 4 + idleTunnels / 1_000 : warmup.toSeconds() + measure.toSeconds() + 2;
            seconds += each * targets.size() * reps;
        }
        return Duration.ofSeconds(seconds);
    }
}
