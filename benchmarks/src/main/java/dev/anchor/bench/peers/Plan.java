package dev.anchor.bench.peers;

import java.time.Duration;
import java.util.List;

/**
 * What a run does: which targets and cases, how often, and for how long. Each target is settled
 * once per repetition, then each measurement warms up first (discarded), then measures; the
 * idle-tunnel case has no warm-up of its own and takes as long as opening the tunnels takes.
 */
record Plan(int reps, Duration warmup, Duration measure, int idleTunnels, List<Target> targets, List<Case> cases) {
    Plan {
        targets = List.copyOf(targets);
        cases = List.copyOf(cases);
    }

    // tag::interleave[]
    /**
     * The order targets take in repetition {@code rep} (from 1): as given, then reversed, then as
     * given, so that no target always runs first on a cool machine or last on a warm one.
     */
    List<Target> targetsInRepetition(int rep) {
        return rep % 2 == 1 ? targets : targets.reversed();
    }
    // end::interleave[]

    int measurements() {
        return reps * targets.size() * cases.size();
    }

    /** A rough estimate for the progress report: start, settling, warm-up, measurement and stop of every one. */
    Duration estimate() {
        long seconds = reps * targets.stream().mapToLong(t -> t.isAnchor() ? 20 : 2 * warmup.toSeconds() + 2).sum();
        for (Case c : cases) {
            long each = c == Case.IDLE_TUNNELS ? 4 + idleTunnels / 1_000 : warmup.toSeconds() + measure.toSeconds() + 2;
            seconds += each * targets.size() * reps;
        }
        return Duration.ofSeconds(seconds);
    }
}
