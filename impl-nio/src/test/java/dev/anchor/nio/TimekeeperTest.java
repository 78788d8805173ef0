package dev.anchor.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loop's timers at T-1 and T, with time passed in by hand. */
class TimekeeperTest {
    private static final long MS = 1_000_000;
    private final Timekeeper timers = new Timekeeper();
    private final List<String> ran = new ArrayList<>();

    @Test
    void aTimerRunsAtItsDeadlineAndNotANanosecondBefore() {
        timers.schedule(1_000, 5 * MS, () -> ran.add("a"));

        timers.runDue(1_000 + 5 * MS - 1);
        assertThat(ran).isEmpty();
        timers.runDue(1_000 + 5 * MS);
        assertThat(ran).containsExactly("a");
        timers.runDue(1_000 + 10 * MS);
        assertThat(ran).as("once").containsExactly("a");
    }

    @Test
    void theLoopSleepsUntilTheEarliestDeadlineRoundedUpToAMillisecond() {
        assertThat(timers.millisToNext(0)).as("no timer: sleep until woken").isEqualTo(-1);
        timers.schedule(0, 5 * MS, () -> { });
        timers.schedule(0, 2 * MS + 1, () -> { });

        assertThat(timers.millisToNext(0)).isEqualTo(3);
        assertThat(timers.millisToNext(2 * MS)).as("a nanosecond to go is a millisecond of sleep, not a spin").isEqualTo(1);
        assertThat(timers.millisToNext(2 * MS + 1)).as("due").isZero();
    }

    @Test
    void dueTimersRunEarliestFirst() {
        timers.schedule(0, 3 * MS, () -> ran.add("third"));
        timers.schedule(0, 1 * MS, () -> ran.add("first"));
        timers.schedule(0, 2 * MS, () -> ran.add("second"));

        timers.runDue(3 * MS);

        assertThat(ran).containsExactly("first", "second", "third");
    }

    @Test
    void aCancelledTimerNeverRunsAndNoLongerKeepsTheLoopAwake() {
        Timekeeper.Timer t = timers.schedule(0, MS, () -> ran.add("cancelled"));
        t.cancel();

        assertThat(timers.millisToNext(0)).isEqualTo(-1);
        timers.runDue(2 * MS);
        assertThat(ran).isEmpty();
    }

    @Test
    void aTimerMayScheduleAnotherThatIsAlreadyDue() {
        timers.schedule(0, MS, () -> {
            ran.add("first");
            timers.schedule(MS, 0, () -> ran.add("follow-up"));
        });

        timers.runDue(MS);

        assertThat(ran).containsExactly("first", "follow-up");
    }
}
