package dev.anchor.core.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.gateway.GatewayMetrics;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.websocket.FrameException;
import dev.anchor.core.websocket.FrameScanner;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One tunnel's liveness with a hand-driven clock: where Pings may go, which Pongs come out, who is dead. */
class TunnelLivenessTest {
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final AtomicLong clock = new AtomicLong(1_000);
    private final GatewayMetrics metrics = new GatewayMetrics("test");
    private final TunnelLiveness live = new TunnelLiveness(
            new HeartbeatConfig(HeartbeatConfig.Mode.PING, new HeartbeatConfig.Leg(INTERVAL, TIMEOUT),
                    new HeartbeatConfig.Leg(INTERVAL, TIMEOUT)),
            clock::get, metrics.heartbeat(Side.CLIENT), metrics.heartbeat(Side.BACKEND));

    @Test
    void aPingForTheClientIsUnmaskedAndOnlyDueAfterTheInterval() {
        assertThat(live.pingIfDue(Side.CLIENT)).isNull();
        clock.addAndGet(INTERVAL.toNanos());
        ByteBuffer ping = live.pingIfDue(Side.CLIENT);

        assertThat(ping).isNotNull();
        assertThat(ping.get(0) & 0xff).isEqualTo(0x89);
        assertThat(ping.get(1) & 0x80).as("unmasked toward the client").isZero();
        assertThat(live.pingIfDue(Side.CLIENT)).as("one Ping at a time").isNull();
    }

    @Test
    void aPingForTheBackendIsMasked() {
        clock.addAndGet(INTERVAL.toNanos());
        assertThat(live.pingIfDue(Side.BACKEND).get(1) & 0x80).isNotZero();
    }

    @Test
    void noPingGoesIntoAFrame() throws FrameException {
        // the backend has started a 1000-byte frame toward the client: the stream toward the client is inside it
        feed(live.scannerFrom(Side.BACKEND), HexFormat.of().parseHex("827e03e8"));
        clock.addAndGet(INTERVAL.toNanos());

        assertThat(live.pingIfDue(Side.CLIENT)).isNull();
        assertThat(live.pingWaiting(Side.CLIENT)).isTrue();
        feed(live.scannerFrom(Side.BACKEND), new byte[1000]);
        assertThat(live.pingIfDue(Side.CLIENT)).isNotNull();
    }

    @Test
    void theClientsPongToTheGatewaysPingIsTakenOutAndCounted() throws FrameException {
        clock.addAndGet(INTERVAL.toNanos());
        ByteBuffer ping = live.pingIfDue(Side.CLIENT);
        byte[] nonce = new byte[ping.get(1) & 0x7f];
        ping.get(2, nonce);
        clock.addAndGet(3_000_000);

        byte[] pong = masked(0x8a, nonce);
        assertThat(feed(live.scannerFrom(Side.CLIENT), pong)).isEmpty();
        assertThat(metrics.scrape()).containsPattern("anchor_heartbeat_pongs_total\\{[^}]*leg=\"client\"[^}]*} 1(\\.0)?");
    }

    @Test
    void aLegSilentPastItsTimeoutIsDead() {
        clock.addAndGet(INTERVAL.toNanos());
        assertThat(live.pingIfDue(Side.BACKEND)).isNotNull();
        clock.addAndGet(TIMEOUT.toNanos() - 1);
        assertThat(live.dead()).isNull();
        clock.addAndGet(1);

        assertThat(live.dead()).isEqualTo(Side.BACKEND);
    }

    @Test
    void aCloseTowardTheClientIsUnmaskedAndTowardTheBackendMasked() {
        ByteBuffer toClient = live.closeToward(Side.CLIENT, 1001, "bye");
        ByteBuffer toBackend = live.closeToward(Side.BACKEND, 1001, "bye");

        assertThat(toClient.get(0) & 0xff).isEqualTo(0x88);
        assertThat(toClient.get(1) & 0x80).as("toward the client: unmasked").isZero();
        assertThat(toBackend.get(1) & 0x80).as("toward the backend: masked").isNotZero();
        assertThat(code(toClient)).isEqualTo(1001);
        assertThat(code(toBackend)).isEqualTo(1001);
    }

    @Test
    void noCloseGoesIntoAStreamThatIsInsideAFrame() throws FrameException {
        // an unmasked frame from the backend announcing 10 bytes, of which 3 arrive
        feed(live.scannerFrom(Side.BACKEND), new byte[] {(byte) 0x82, 10, 1, 2, 3});

        assertThat(live.closeToward(Side.CLIENT, 1001, "bye")).isNull();
        assertThat(live.closeToward(Side.BACKEND, 1001, "bye")).isNotNull();
    }

    @Test
    void noSecondCloseGoesTheSameWay() throws FrameException {
        assertThat(live.closeToward(Side.CLIENT, 1001, "bye")).isNotNull();
        assertThat(live.closeToward(Side.CLIENT, 1001, "again")).as("the gateway's own went already").isNull();
        feed(live.scannerFrom(Side.CLIENT), masked(0x88, new byte[] {0x03, (byte) 0xe8}));
        assertThat(live.closeToward(Side.BACKEND, 1001, "bye")).as("the client's went already").isNull();
    }

    @Test
    void aCloseOfTheGatewaysOwnStopsThePings() {
        live.closeToward(Side.CLIENT, 1001, "bye");
        clock.addAndGet(INTERVAL.toNanos() + TIMEOUT.toNanos() * 5);

        assertThat(live.pingIfDue(Side.BACKEND)).isNull();
        assertThat(live.dead()).isNull();
    }

    /** The status code of a Close frame, unmasked with the frame's key if it has one. */
    private static int code(ByteBuffer close) {
        boolean masked = (close.get(1) & 0x80) != 0;
        int at = masked ? 6 : 2;
        int high = close.get(at);
        int low = close.get(at + 1);
        if (masked) {
            high ^= close.get(2);
            low ^= close.get(3);
        }
        return ((high & 0xff) << 8) | (low & 0xff);
    }

    @Test
    void aCloseFromAnEndpointStopsTheHeartbeats() throws FrameException {
        feed(live.scannerFrom(Side.CLIENT), masked(0x88, new byte[] {0x03, (byte) 0xe8}));
        clock.addAndGet(INTERVAL.toNanos() + TIMEOUT.toNanos() * 5);

        assertThat(live.pingIfDue(Side.CLIENT)).isNull();
        assertThat(live.dead()).isNull();
    }

    @Test
    void aPingWaitingForAFrameBoundaryIsLookedAtAgainOneTimeoutLaterNotAtOnce() throws FrameException {
        feed(live.scannerFrom(Side.BACKEND), HexFormat.of().parseHex("827e03e8")); // a long frame toward the client
        clock.addAndGet(INTERVAL.toNanos());
        assertThat(live.pingIfDue(Side.CLIENT)).isNull();
        assertThat(live.pingIfDue(Side.BACKEND)).as("due too, and its stream is between frames").isNotNull();
        long now = clock.get();

        assertThat(live.nextCheck()).as("no timer that fires at once, again and again").isEqualTo(now + TIMEOUT.toNanos());
        clock.addAndGet(TIMEOUT.toNanos() / 2);
        feed(live.scannerFrom(Side.BACKEND), new byte[1000]);
        assertThat(live.pingIfDue(Side.CLIENT)).as("the relay sends it at the boundary").isNotNull();
        assertThat(live.nextCheck()).as("the first look is before that Ping's deadline")
                .isLessThanOrEqualTo(clock.get() + TIMEOUT.toNanos());
    }

    @Test
    void onceAStreamEndedNeitherLegIsPingedNorFoundDead() {
        live.streamEnded(Side.BACKEND);
        clock.addAndGet(INTERVAL.toNanos() + TIMEOUT.toNanos() * 3);

        assertThat(live.pingIfDue(Side.BACKEND)).as("its sender can answer nothing now").isNull();
        assertThat(live.pingIfDue(Side.CLIENT)).as("the FIN went toward it: nothing more can be written").isNull();
        assertThat(live.dead()).isNull();
        assertThat(live.nextCheck()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aLegTheGatewayIsNotReadingIsNeitherPingedNorFoundDeadAndStartsOverWhenReadAgain() {
        clock.addAndGet(INTERVAL.toNanos());
        assertThat(live.pingIfDue(Side.BACKEND)).isNotNull();
        live.holding(Side.BACKEND); // the client stopped taking bytes: the backend's Pong waits unread
        clock.addAndGet(TIMEOUT.toNanos() * 10);

        assertThat(live.dead()).isNull();
        assertThat(live.pingIfDue(Side.BACKEND)).as("no Ping whose answer could not be read").isNull();
        assertThat(live.nextCheck() - clock.get()).as("looked at again within an interval").isLessThanOrEqualTo(INTERVAL.toNanos());
        live.released(Side.BACKEND);
        clock.addAndGet(INTERVAL.toNanos() - 1);
        assertThat(live.pingIfDue(Side.BACKEND)).as("a whole interval from the release").isNull();
        clock.addAndGet(1);
        assertThat(live.pingIfDue(Side.BACKEND)).isNotNull();
        clock.addAndGet(TIMEOUT.toNanos());
        assertThat(live.dead()).isEqualTo(Side.BACKEND);
    }

    @Test
    void onceClosingThereIsNothingToWakeUpFor() throws FrameException {
        feed(live.scannerFrom(Side.CLIENT), masked(0x88, new byte[] {0x03, (byte) 0xe8}));

        assertThat(live.nextCheck()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aPingThatFellDueAfterTheTimerAskedIsLookedAtNowNotOneTimeoutLater() {
        clock.addAndGet(INTERVAL.toNanos() - 1);
        assertThat(live.pingIfDue(Side.CLIENT)).as("a nanosecond early").isNull();
        clock.addAndGet(1); // the timer reads the clock again to plan its next wake-up

        assertThat(live.nextCheck()).as("the Ping goes at once, its stream being between frames").isEqualTo(clock.get());
    }

    @Test
    void nextCheckIsTheEarliestLegDeadline() {
        assertThat(live.nextCheck()).isEqualTo(1_000 + INTERVAL.toNanos());
    }

    private static byte[] feed(FrameScanner s, byte[] bytes) throws FrameException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        s.scan(in, new FrameScanner.Output() {
            @Override
            public void pass(int from, int to) {
                out.write(bytes, from, to - from);
            }

            @Override
            public void passHeld(byte[] held, int length) {
                out.write(held, 0, length);
            }
        });
        return out.toByteArray();
    }

    private static byte[] masked(int first, byte[] payload) {
        byte[] key = {1, 2, 3, 4};
        byte[] f = new byte[2 + 4 + payload.length];
        f[0] = (byte) first;
        f[1] = (byte) (0x80 | payload.length);
        System.arraycopy(key, 0, f, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            f[6 + i] = (byte) (payload[i] ^ key[i & 3]);
        }
        return f;
    }
}
