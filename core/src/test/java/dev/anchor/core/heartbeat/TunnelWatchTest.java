package dev.anchor.core.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.config.Timeouts;
import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.GatewayMetrics;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelEnding;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The guards of one tunnel at T-1 and T, with a hand-driven clock and hand-set stalls. */
class TunnelWatchTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(300), Duration.ofSeconds(60));
    private static final TunnelWatch.Stalls NONE = (side, now) -> 0;

    private final AtomicLong clock = new AtomicLong(0);
    private final GatewayMetrics metrics = new GatewayMetrics("test");
    private final TunnelLiveness liveness = new TunnelLiveness(
            new HeartbeatConfig(HeartbeatConfig.Mode.PING, new HeartbeatConfig.Leg(Duration.ofSeconds(30), Duration.ofSeconds(10)),
                    new HeartbeatConfig.Leg(Duration.ofSeconds(30), Duration.ofSeconds(10))),
            clock::get, metrics.heartbeat(Side.CLIENT), metrics.heartbeat(Side.BACKEND));

    @Test
    void anIdleTunnelEndsAtTheIdleTimeoutAndNotBefore() {
        TunnelWatch watch = new TunnelWatch(TIMEOUTS, null, new TunnelEnding(null));

        assertThat(watch.check(300 * SECOND - 1, 0, NONE)).isNull();
        assertThat(watch.check(300 * SECOND, 0, NONE)).isEqualTo(new TunnelWatch.Ending(CloseReason.IDLE_TIMEOUT, null));
        assertThat(watch.nextCheck(10 * SECOND, 0, NONE)).as("the write guard's horizon first").isEqualTo(70 * SECOND);
    }

    @Test
    void anIdleTimeoutOfZeroIsOff() {
        TunnelWatch watch = new TunnelWatch(new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(60)), null, new TunnelEnding(null));

        assertThat(watch.check(1_000 * SECOND, 0, NONE)).isNull();
    }

    @Test
    void aWriteWithoutProgressForTheWriteTimeoutKillsItsLeg() {
        TunnelWatch watch = new TunnelWatch(TIMEOUTS, null, new TunnelEnding(null));
        TunnelWatch.Stalls backendStalls = (side, now) -> side == Side.BACKEND ? now - 5 * SECOND : 0;

        assertThat(watch.check(65 * SECOND - 1, 65 * SECOND, backendStalls)).isNull();
        assertThat(watch.check(65 * SECOND, 65 * SECOND, backendStalls))
                .isEqualTo(new TunnelWatch.Ending(CloseReason.WRITE_STALLED, Side.BACKEND));
        assertThat(watch.nextCheck(20 * SECOND, 20 * SECOND, backendStalls)).isEqualTo(65 * SECOND);
    }

    @Test
    void idleWinsOverAStallAndAStallOverAHeartbeat() {
        TunnelWatch watch = new TunnelWatch(TIMEOUTS, liveness, new TunnelEnding(liveness));
        clock.set(30 * SECOND);
        assertThat(liveness.pingIfDue(Side.CLIENT)).isNotNull();
        clock.set(400 * SECOND); // and no answer: the client's heartbeat has found it dead too
        assertThat(liveness.dead()).isEqualTo(Side.CLIENT);
        TunnelWatch.Stalls clientStalls = (side, now) -> side == Side.CLIENT ? 100 * SECOND : 0;

        assertThat(watch.check(clock.get(), 0, clientStalls).reason()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        assertThat(watch.check(clock.get(), clock.get(), clientStalls))
                .isEqualTo(new TunnelWatch.Ending(CloseReason.WRITE_STALLED, Side.CLIENT));
        assertThat(watch.check(clock.get(), clock.get(), NONE))
                .isEqualTo(new TunnelWatch.Ending(CloseReason.HEARTBEAT, Side.CLIENT));
    }

    @Test
    void aLegThatDidNotAnswerItsPingIsDead() {
        TunnelWatch watch = new TunnelWatch(TIMEOUTS, liveness, new TunnelEnding(liveness));
        clock.set(30 * SECOND);
        assertThat(liveness.pingIfDue(Side.CLIENT)).isNotNull();
        assertThat(liveness.pingIfDue(Side.BACKEND)).isNotNull();
        liveness.heard(Side.BACKEND);

        clock.set(40 * SECOND - 1);
        assertThat(watch.check(clock.get(), clock.get(), NONE)).isNull();
        assertThat(watch.nextCheck(clock.get(), clock.get(), NONE)).isEqualTo(40 * SECOND);
        clock.set(40 * SECOND);
        assertThat(watch.check(clock.get(), clock.get(), NONE))
                .isEqualTo(new TunnelWatch.Ending(CloseReason.HEARTBEAT, Side.CLIENT));
    }

    @Test
    void aLookThatFindsNothingDueHandsOverThePingsDueAndNoPlan() {
        TunnelWatch watch = new TunnelWatch(TIMEOUTS, liveness, new TunnelEnding(liveness));
        java.util.List<Side> pinged = new java.util.ArrayList<>();

        assertThat(watch.look(30 * SECOND - 1, 30 * SECOND - 1, NONE, (side, ping) -> pinged.add(side))).isNull();
        assertThat(pinged).isEmpty();
        clock.set(30 * SECOND);
        assertThat(watch.look(clock.get(), clock.get(), NONE, (side, ping) -> pinged.add(side))).isNull();
        assertThat(pinged).containsExactly(Side.CLIENT, Side.BACKEND);
    }

    @Test
    void aLookThatFindsAnEndHandsOverItsPlanAndNoPings() {
        TunnelWatch watch = new TunnelWatch(TIMEOUTS, liveness, new TunnelEnding(liveness));
        clock.set(400 * SECOND);

        TunnelEnding.Plan plan = watch.look(clock.get(), 0, NONE, (side, ping) -> {
            throw new AssertionError("no Ping into a tunnel that ends");
        });

        assertThat(plan.reason()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        assertThat(watch.look(clock.get(), 0, NONE, (side, ping) -> { })).as("it ends once").isNull();
    }

    @Test
    void aTickEndsTheTunnelOrSaysWhenToLookAgainButNeverSoonerThanAMillisecond() {
        TunnelWatch watch = new TunnelWatch(TIMEOUTS, null, new TunnelEnding(null));
        java.util.List<TunnelEnding.Plan> ended = new java.util.ArrayList<>();

        assertThat(watch.tick(10 * SECOND, 0, NONE, (side, ping) -> { }, ended::add)).isEqualTo(60 * SECOND);
        assertThat(watch.tick(300 * SECOND - 1, 0, NONE, (side, ping) -> { }, ended::add)).as("a hair early").isEqualTo(1_000_000);
        assertThat(ended).isEmpty();
        assertThat(watch.tick(300 * SECOND, 0, NONE, (side, ping) -> { }, ended::add)).as("no look after the end").isEqualTo(-1);
        assertThat(ended).extracting(TunnelEnding.Plan::reason).containsExactly(CloseReason.IDLE_TIMEOUT);
        assertThat(watch.tick(400 * SECOND, 0, NONE, (side, ping) -> { }, ended::add)).isEqualTo(-1);
    }
}
