package dev.anchor.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Passive marks that run out, and probe verdicts counted as HAProxy counts them. */
class BackendHealthTest {
    private final AtomicLong now = new AtomicLong();
    private final BackendHealth health = new BackendHealth(now::get);

    @Test
    void aFailedConnectMarksItDownUntilTheMarkRunsOut() {
        health.failedForClient(Duration.ofSeconds(10), "connect refused");
        assertThat(health.up()).isFalse();
        assertThat(health.describe()).startsWith("down (connect refused");

        now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
        assertThat(health.up()).as("a nanosecond before").isFalse();
        now.incrementAndGet();
        assertThat(health.up()).as("at the end of the mark").isTrue();
        assertThat(health.describe()).isEqualTo("up");
    }

    @Test
    void passiveChecksOffIgnoreFailures() {
        health.failedForClient(Duration.ZERO, "connect refused");
        assertThat(health.up()).isTrue();
    }

    @Test
    void fallFailuresInARowTakeItDownAndRisePassesInARowBringItBack() {
        assertThat(health.probed(false, 2, 3, "refused")).isEqualTo(BackendHealth.Change.NONE);
        assertThat(health.probed(false, 2, 3, "refused")).isEqualTo(BackendHealth.Change.NONE);
        assertThat(health.probed(true, 2, 3, "")).as("a pass starts the count of failures over").isEqualTo(BackendHealth.Change.NONE);
        assertThat(health.probed(false, 2, 3, "refused")).isEqualTo(BackendHealth.Change.NONE);
        assertThat(health.probed(false, 2, 3, "refused")).isEqualTo(BackendHealth.Change.NONE);
        assertThat(health.probed(false, 2, 3, "refused")).isEqualTo(BackendHealth.Change.WENT_DOWN);
        assertThat(health.up()).isFalse();
        assertThat(health.probed(false, 2, 3, "refused")).as("down once").isEqualTo(BackendHealth.Change.NONE);

        assertThat(health.probed(true, 2, 3, "")).isEqualTo(BackendHealth.Change.NONE);
        assertThat(health.up()).isFalse();
        assertThat(health.probed(true, 2, 3, "")).isEqualTo(BackendHealth.Change.CAME_UP);
        assertThat(health.up()).isTrue();
    }

    @Test
    void whenProbesStopWhatTheyFoundNoLongerHolds() {
        health.probed(false, 1, 1, "refused");
        assertThat(health.up()).isFalse();

        health.probesStopped();

        assertThat(health.up()).isTrue();
        assertThat(health.probed(false, 1, 2, "refused")).as("the count of failures starts over").isEqualTo(BackendHealth.Change.NONE);
    }
}
