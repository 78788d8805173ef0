package dev.anchor.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.config.ThreadKind;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The gateway's threads are counted from before they start until their last act. */
class WorkersTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void awaitAllWaitsForEveryThreadAndNoLonger(ThreadKind kind) throws Exception {
        Workers workers = new Workers(kind);
        CountDownLatch go = new CountDownLatch(1);
        workers.start("a", () -> await(go));
        workers.start("b", () -> await(go));

        assertThat(workers.count()).isEqualTo(2);
        assertThat(workers.awaitAll(Duration.ZERO)).as("two still running").isFalse();
        go.countDown();

        assertThat(workers.awaitAll(Duration.ofSeconds(5))).isTrue();
        assertThat(workers.count()).isZero();
    }

    @Test
    void aThreadThatStartsAnotherKeepsTheCountUpUntilTheNewOneIsCounted() throws Exception {
        Workers workers = new Workers(ThreadKind.VIRTUAL);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);

        workers.start("parent", () -> {
            workers.start("child", () -> await(go));
            started.countDown();
        });
        started.await();

        assertThat(workers.awaitAll(Duration.ZERO)).as("the child is still running").isFalse();
        go.countDown();
        assertThat(workers.awaitAll(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void awaitingIsNotCutShortByAnInterruptButTheInterruptIsKept() throws Exception {
        Workers workers = new Workers(ThreadKind.VIRTUAL);
        Thread test = Thread.currentThread();
        // the worker ends once the test thread is waiting in awaitAll: a condition, not a pause
        workers.start("ends-when-awaited", () -> {
            while (test.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
            }
        });

        test.interrupt();
        boolean all = workers.awaitAll(Duration.ofSeconds(5));

        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        assertThat(all).isTrue();
        assertThat(workers.count()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
