package dev.anchor.core.gateway;

import static dev.anchor.core.gateway.TunnelEnding.Action.ABORT;
import static dev.anchor.core.gateway.TunnelEnding.Action.CLOSE;
import static dev.anchor.core.gateway.TunnelEnding.Action.FINISH;
import static dev.anchor.core.gateway.TunnelEnding.Action.HALF_CLOSE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.heartbeat.TunnelWatch;
import dev.anchor.core.websocket.FrameException;
import dev.anchor.core.websocket.FrameScanner;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ending of a tunnel as a table: for every close reason, in {@code off} and in {@code ping}
 * mode, what each leg gets, and which Close code the live ones hear.
 */
class TunnelEndingTest {
    private static final GatewayMetrics METRICS = new GatewayMetrics("test");
    private static final HeartbeatConfig PING = new HeartbeatConfig(HeartbeatConfig.Mode.PING,
            new HeartbeatConfig.Leg(Duration.ofSeconds(30), Duration.ofSeconds(10)),
            new HeartbeatConfig.Leg(Duration.ofSeconds(30), Duration.ofSeconds(10)));

    /**
     * One row: how a tunnel comes to end for {@code reason} (given its ending and, in ping mode, its
     * liveness), and what each leg gets in each mode; null where a mode cannot produce the reason.
     */
    record Row(CloseReason reason, BiFunction<TunnelEnding, TunnelLiveness, TunnelEnding.Plan> cause,
               Expect off, Expect ping) {
        @Override
        public String toString() {
            return reason.label();
        }
    }

    /** The action for each leg, and the Close code each gets (0: no Close frame). */
    record Expect(TunnelEnding.Action client, int clientCode, TunnelEnding.Action backend, int backendCode) {
    }

    static final List<Row> TABLE = List.of(
            new Row(CloseReason.COMPLETED, TunnelEndingTest::closeHandshakeThenFins,
                    null, // off mode sees no Close frame, so it never counts a tunnel completed
                    new Expect(CLOSE, 0, CLOSE, 0)),
            new Row(CloseReason.CLIENT_ENDED, (e, l) -> bothFins(e, Side.CLIENT),
                    new Expect(CLOSE, 0, CLOSE, 0), new Expect(CLOSE, 0, CLOSE, 0)),
            new Row(CloseReason.BACKEND_ENDED, (e, l) -> bothFins(e, Side.BACKEND),
                    new Expect(CLOSE, 0, CLOSE, 0), new Expect(CLOSE, 0, CLOSE, 0)),
            new Row(CloseReason.CLIENT_RESET, (e, l) -> e.failed(Side.CLIENT, new SocketException("Connection reset")),
                    new Expect(CLOSE, 0, ABORT, 0), new Expect(CLOSE, 0, FINISH, 1001)),
            new Row(CloseReason.BACKEND_RESET, (e, l) -> e.failed(Side.BACKEND, new SocketException("Broken pipe")),
                    new Expect(ABORT, 0, CLOSE, 0), new Expect(FINISH, 1001, CLOSE, 0)),
            new Row(CloseReason.IDLE_TIMEOUT, (e, l) -> e.timedOut(new TunnelWatch.Ending(CloseReason.IDLE_TIMEOUT, null)),
                    new Expect(FINISH, 0, FINISH, 0), new Expect(FINISH, 1001, FINISH, 1001)),
            new Row(CloseReason.HEARTBEAT, (e, l) -> e.timedOut(new TunnelWatch.Ending(CloseReason.HEARTBEAT, Side.CLIENT)),
                    new Expect(ABORT, 0, FINISH, 0), new Expect(ABORT, 0, FINISH, 1001)),
            new Row(CloseReason.WRITE_STALLED, (e, l) -> e.timedOut(new TunnelWatch.Ending(CloseReason.WRITE_STALLED, Side.BACKEND)),
                    new Expect(FINISH, 0, ABORT, 0), new Expect(FINISH, 1001, ABORT, 0)),
            new Row(CloseReason.TCP_TIMEOUT, (e, l) -> e.failed(Side.BACKEND, new SocketException("Connection timed out")),
                    new Expect(FINISH, 0, ABORT, 0), new Expect(FINISH, 1001, ABORT, 0)),
            new Row(CloseReason.PROTOCOL_ERROR, (e, l) -> e.protocolError(Side.CLIENT, new FrameException("a client frame must be masked")),
                    null, // off mode does not read frames, so it finds no forbidden one
                    new Expect(FINISH, 1002, FINISH, 1001)),
            new Row(CloseReason.DRAINED, (e, l) -> e.goAway(CloseReason.DRAINED),
                    new Expect(FINISH, 0, FINISH, 0), new Expect(FINISH, 1001, FINISH, 1001)),
            new Row(CloseReason.MAX_LIFETIME, (e, l) -> e.goAway(CloseReason.MAX_LIFETIME),
                    new Expect(FINISH, 0, FINISH, 0), new Expect(FINISH, 1001, FINISH, 1001)),
            new Row(CloseReason.BACKEND_DOWN, (e, l) -> e.goAway(CloseReason.BACKEND_DOWN),
                    new Expect(FINISH, 0, FINISH, 0), new Expect(FINISH, 1001, FINISH, 1001)),
            new Row(CloseReason.BACKEND_REMOVED, (e, l) -> e.goAway(CloseReason.BACKEND_REMOVED),
                    new Expect(FINISH, 0, FINISH, 0), new Expect(FINISH, 1001, FINISH, 1001)),
            new Row(CloseReason.SHUTDOWN, (e, l) -> e.shutdown(),
                    new Expect(CLOSE, 0, CLOSE, 0), new Expect(CLOSE, 0, CLOSE, 0)));

    static Stream<Arguments> rows() {
        return TABLE.stream().flatMap(r -> Stream.of(Arguments.of(r, false), Arguments.of(r, true)));
    }

    @Test
    void theTableHasARowForEveryCloseReason() {
        Set<CloseReason> covered = EnumSet.noneOf(CloseReason.class);
        TABLE.forEach(r -> covered.add(r.reason()));

        assertThat(covered).containsExactlyInAnyOrder(CloseReason.values());
    }

    @ParameterizedTest(name = "{0}, ping mode {1}")
    @MethodSource("rows")
    void eachReasonEndsTheLegsAsTheTableSays(Row row, boolean ping) {
        Expect expect = ping ? row.ping() : row.off();
        if (expect == null) {
            return; // the row says this mode cannot produce the reason
        }
        TunnelLiveness liveness = ping ? liveness() : null;
        TunnelEnding ending = new TunnelEnding(liveness);

        TunnelEnding.Plan plan = row.cause().apply(ending, liveness);

        assertThat(plan.reason()).isEqualTo(row.reason());
        assertThat(plan.client().action()).as("client").isEqualTo(expect.client());
        assertThat(plan.backend().action()).as("backend").isEqualTo(expect.backend());
        assertThat(code(plan.client().close())).as("Close toward the client").isEqualTo(expect.clientCode());
        assertThat(code(plan.backend().close())).as("Close toward the backend").isEqualTo(expect.backendCode());
        assertThat(plan.dead() == null || plan.leg(plan.dead()).action() == ABORT).as("a dead leg is aborted").isTrue();
    }

    @ParameterizedTest(name = "{0}, ping mode {1}")
    @MethodSource("rows")
    void aTunnelEndsOnceWhoeverAsksNext(Row row, boolean ping) {
        if ((ping ? row.ping() : row.off()) == null) {
            return;
        }
        TunnelLiveness liveness = ping ? liveness() : null;
        TunnelEnding ending = new TunnelEnding(liveness);
        ending.shutdown();

        assertThat(row.cause().apply(ending, liveness)).isNull();
        assertThat(ending.streamEnded(Side.CLIENT)).isNull();
        assertThat(ending.ended()).isTrue();
    }

    @Test
    void offModePassesAFinOnAsAPlainHalfClose() {
        TunnelEnding ending = new TunnelEnding(null);

        TunnelEnding.LegEnd toClient = ending.streamEnded(Side.BACKEND);

        assertThat(toClient.action()).isEqualTo(HALF_CLOSE);
        assertThat(toClient.close()).isNull();
    }

    @Test
    void pingModeTellsTheOtherSideThatAPeerLeftWithoutAClose() {
        TunnelEnding ending = new TunnelEnding(liveness());

        TunnelEnding.LegEnd toClient = ending.streamEnded(Side.BACKEND);

        assertThat(toClient.action()).as("the client's own stream goes on").isEqualTo(HALF_CLOSE);
        assertThat(code(toClient.close())).isEqualTo(1001);
        assertThat(reason(toClient.close())).isEqualTo("backend went away");
    }

    @Test
    void pingModeAddsNothingToAFinThatFollowsItsSendersClose() throws FrameException {
        TunnelLiveness liveness = liveness();
        TunnelEnding ending = new TunnelEnding(liveness);
        scan(liveness.scannerFrom(Side.BACKEND), new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xe8});

        assertThat(ending.streamEnded(Side.BACKEND).close()).isNull();
    }

    @Test
    void aResetAfterItsSendersCloseIsPassedOnAsAReset() throws FrameException {
        TunnelLiveness liveness = liveness();
        TunnelEnding ending = new TunnelEnding(liveness);
        scan(liveness.scannerFrom(Side.BACKEND), new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xe8});

        TunnelEnding.Plan plan = ending.failed(Side.BACKEND, new SocketException("Connection reset"));

        assertThat(plan.client().action()).as("the client has its Close already: a second may not follow").isEqualTo(ABORT);
    }

    @Test
    void aPeerThatEndedMidFrameGetsNoCloseWhereItWouldCutTheFrame() throws FrameException {
        TunnelLiveness liveness = liveness();
        TunnelEnding ending = new TunnelEnding(liveness);
        scan(liveness.scannerFrom(Side.BACKEND), new byte[] {(byte) 0x82, 10, 1, 2, 3});

        assertThat(ending.streamEnded(Side.BACKEND).close()).isNull();
    }

    @Test
    void aDepartureWaitsForBothStreamsToReachAFrameBoundary() throws FrameException {
        TunnelLiveness liveness = liveness();
        TunnelEnding ending = new TunnelEnding(liveness);
        scan(liveness.scannerFrom(Side.BACKEND), new byte[] {(byte) 0x82, 4, 1, 2});

        assertThat(ending.goAway(CloseReason.DRAINED)).as("inside a frame from the backend").isNull();
        assertThat(ending.departureIfDue()).as("still inside it").isNull();
        assertThat(ending.ended()).isFalse();

        scan(liveness.scannerFrom(Side.BACKEND), new byte[] {3, 4});
        TunnelEnding.Plan plan = ending.departureIfDue();
        assertThat(plan.reason()).isEqualTo(CloseReason.DRAINED);
        assertThat(code(plan.client().close())).isEqualTo(1001);
        assertThat(reason(plan.client().close())).isEqualTo("gateway is shutting down");
        assertThat(code(plan.backend().close())).isEqualTo(1001);
        assertThat(ending.departureIfDue()).as("once").isNull();
    }

    @Test
    void endpointsAlreadyClosingAreLeftToFinish() throws FrameException {
        TunnelLiveness liveness = liveness();
        TunnelEnding ending = new TunnelEnding(liveness);
        scan(liveness.scannerFrom(Side.CLIENT), new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8});

        assertThat(ending.goAway(CloseReason.DRAINED)).isNull();
        assertThat(ending.ended()).isFalse();
    }

    @Test
    void theFirstReasonToGoIsTheOneCounted() throws FrameException {
        TunnelLiveness liveness = liveness();
        TunnelEnding ending = new TunnelEnding(liveness);
        scan(liveness.scannerFrom(Side.CLIENT), new byte[] {(byte) 0x82, (byte) 0x84, 0, 0, 0, 0, 1});

        assertThat(ending.goAway(CloseReason.MAX_LIFETIME)).isNull();
        assertThat(ending.goAway(CloseReason.DRAINED)).isNull();
        scan(liveness.scannerFrom(Side.CLIENT), new byte[] {2, 3, 4});
        assertThat(ending.departureIfDue().reason()).isEqualTo(CloseReason.MAX_LIFETIME);
    }

    // --- the ways to a reason ----------------------------------------------------------------

    private static TunnelEnding.Plan closeHandshakeThenFins(TunnelEnding ending, TunnelLiveness liveness) {
        try {
            scan(liveness.scannerFrom(Side.CLIENT), new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8});
            scan(liveness.scannerFrom(Side.BACKEND), new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xe8});
        } catch (FrameException e) {
            throw new AssertionError(e);
        }
        return bothFins(ending, Side.BACKEND);
    }

    private static TunnelEnding.Plan bothFins(TunnelEnding ending, Side first) {
        ending.streamEnded(first);
        ending.streamEnded(first.other());
        return ending.completed();
    }

    private static TunnelLiveness liveness() {
        return new TunnelLiveness(PING, System::nanoTime, METRICS.heartbeat(Side.CLIENT), METRICS.heartbeat(Side.BACKEND));
    }

    private static void scan(FrameScanner scanner, byte[] bytes) throws FrameException {
        scanner.scan(ByteBuffer.wrap(bytes), new FrameScanner.Output() {
            @Override
            public void pass(int from, int to) {
            }

            @Override
            public void passHeld(byte[] held, int length) {
            }
        });
    }

    /** The status code of a Close frame, unmasked with its key if it has one; 0 for no frame. */
    static int code(ByteBuffer close) {
        if (close == null) {
            return 0;
        }
        byte[] payload = payload(close);
        return (payload[0] & 0xff) << 8 | payload[1] & 0xff;
    }

    private static String reason(ByteBuffer close) {
        byte[] payload = payload(close);
        return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    private static byte[] payload(ByteBuffer close) {
        boolean masked = (close.get(1) & 0x80) != 0;
        int length = close.get(1) & 0x7f;
        int at = masked ? 6 : 2;
        byte[] payload = new byte[length];
        close.get(at, payload);
        if (masked) {
            for (int i = 0; i < length; i++) {
                payload[i] ^= close.get(2 + (i & 3));
            }
        }
        return payload;
    }

}
