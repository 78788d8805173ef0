package dev.anchor.core.heartbeat;

import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.gateway.HeartbeatMeters;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.websocket.FrameScanner;
import dev.anchor.core.websocket.FrameWriter;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * The heartbeat of one tunnel in {@code ping} mode, whatever moves its bytes: a heartbeat per leg,
 * a frame scanner per direction, and the two decisions that need both. A Ping for a quiet leg may
 * only go into the stream toward that leg between two frames, so {@link #pingIfDue} asks the
 * scanner of that stream; and a Pong that answers the gateway is taken out of the stream from that
 * leg, which the scanner's filter asks the heartbeat about. Once a Close has passed either way the
 * endpoints are closing, and a peer that received a Close need not answer Pings, so no more go out.
 *
 * <p>Not thread-safe: each implementation calls it under its own discipline (the tunnel's event
 * loop, or a lock).
 */
// tag::liveness[]
public final class TunnelLiveness {
    private final LongSupplier clock;
    private final Heartbeat client;
    private final Heartbeat backend;
    private final HeartbeatMeters clientMeters;
    private final HeartbeatMeters backendMeters;
    private final FrameScanner fromClient;
    private final FrameScanner fromBackend;
    /** Whether the gateway has written a Close of its own toward each side, by {@link Side#ordinal()}. */
    private final boolean[] closeSent = new boolean[2];

    public TunnelLiveness(HeartbeatConfig config, LongSupplier clock,
                          HeartbeatMeters clientMeters, HeartbeatMeters backendMeters) {
        this.clock = clock;
        long now = clock.getAsLong();
        this.client = new Heartbeat(config.client().interval(), config.client().timeout(), now);
        this.backend = new Heartbeat(config.backend().interval(), config.backend().timeout(), now);
        this.clientMeters = clientMeters;
        this.backendMeters = backendMeters;
        // a client masks what it sends, a server does not; each takes out the Pongs that answer
        // the gateway's Pings to its own sender
        this.fromClient = new FrameScanner(true, (opcode, payload) -> opcode == 0xA && answered(Side.CLIENT, payload));
        this.fromBackend = new FrameScanner(false, (opcode, payload) -> opcode == 0xA && answered(Side.BACKEND, payload));
    }

    /** The scanner of the frames {@code sender} sends. */
    public FrameScanner scannerFrom(Side sender) {
        return sender == Side.CLIENT ? fromClient : fromBackend;
    }

    /** Bytes arrived from {@code sender}: that leg is alive. */
    public void heard(Side sender) {
        heartbeat(sender).heard(clock.getAsLong());
    }

    /**
     * The gateway stops reading {@code sender} until the other leg has taken what it sent
     * (backpressure): until {@link #released}, the sender is neither pinged nor found dead, since
     * what it says, its Pong included, waits unread in the kernel.
     */
    public void holding(Side sender) {
        heartbeat(sender).hold();
    }

    /** The gateway reads {@code sender} again: its heartbeat starts over from now. */
    public void released(Side sender) {
        heartbeat(sender).release(clock.getAsLong());
    }

    /**
     * The Ping to write toward {@code side} now, or null: none is due, or the stream toward that
     * leg is inside a frame (the caller asks again after its next write).
     */
    public ByteBuffer pingIfDue(Side side) {
        long now = clock.getAsLong();
        if (closing() || heartbeat(side).check(now) != Heartbeat.Verdict.PING || !scannerFrom(side.other()).atBoundary()) {
            return null;
        }
        meters(side).pingSent();
        return FrameWriter.ping(heartbeat(side).pingSent(now), side == Side.BACKEND);
    }

    /** A leg that has not answered in time, or null while both are alive. */
    public Side dead() {
        if (closing()) {
            return null;
        }
        long now = clock.getAsLong();
        if (client.check(now) == Heartbeat.Verdict.DEAD) {
            return Side.CLIENT;
        }
        return backend.check(now) == Heartbeat.Verdict.DEAD ? Side.BACKEND : null;
    }

    /**
     * The Close to write toward {@code side} now, or null: its stream is inside a frame, or a Close
     * already went that way, from the other endpoint or from the gateway, and a second one would
     * break the protocol (RFC 6455 section 5.5.1). Once one is handed out no more Pings go out.
     */
    public ByteBuffer closeToward(Side side, int code, String reason) {
        FrameScanner toward = scannerFrom(side.other());
        if (closeSent[side.ordinal()] || toward.closeSeen() || !toward.atBoundary()) {
            return null;
        }
        closeSent[side.ordinal()] = true;
        return FrameWriter.close(code, reason, side == Side.BACKEND);
    }
    // end::liveness[]

    /**
     * When {@link #pingIfDue} or {@link #dead} may next change their answer, in the clock's
     * nanoseconds; {@link Long#MAX_VALUE} once the endpoints are closing; now, if a Ping fell due
     * since the caller last asked {@link #pingIfDue}. A Ping that is due but
     * waits for a frame boundary is not a timer's business: the relay sends it when the boundary
     * passes. Its leg is looked at again one timeout later, which is never after the deadline of
     * a Ping the relay sent in between, so a timer that sleeps until then misses nothing and does
     * not spin while a long frame streams.
     */
    public long nextCheck() {
        if (closing()) {
            return Long.MAX_VALUE;
        }
        long now = clock.getAsLong();
        return Math.min(nextCheck(Side.CLIENT, now), nextCheck(Side.BACKEND, now));
    }

    private long nextCheck(Side side, long now) {
        Heartbeat h = heartbeat(side);
        if (h.held()) {
            return now + h.intervalNanos(); // nothing is due while held; look again an interval on, not never
        }
        if (h.check(now) != Heartbeat.Verdict.PING) {
            return h.nextCheck();
        }
        // due, and not sent: either it fell due a moment after the timer asked, and it goes now,
        // or its stream is inside a frame, and the relay sends it at the boundary
        return scannerFrom(side.other()).atBoundary() ? now : now + h.timeoutNanos();
    }

    /**
     * The stream from {@code sender} ended (FIN), and the gateway passes the FIN on: the sender can
     * answer no Ping now, and nothing more can be written to the other side, Pings included. So
     * both heartbeats stop; the open direction is still watched by the idle timeout, the
     * stalled-write timeout and TCP keepalive.
     */
    public void streamEnded(Side sender) {
        client.stop();
        backend.stop();
    }

    /**
     * Whether the gateway may say goodbye to both endpoints now: both streams are between frames,
     * and no Close has passed or gone out yet (endpoints already closing are left to finish).
     */
    public boolean canCloseBoth() {
        return !closing() && fromClient.atBoundary() && fromBackend.atBoundary();
    }

    /** True once a Close frame has passed from {@code sender}, in its own stream. */
    public boolean closeSeenFrom(Side sender) {
        return scannerFrom(sender).closeSeen();
    }

    /** True when a Ping toward {@code side} is due but waits for a frame boundary. */
    public boolean pingWaiting(Side side) {
        return !closing() && heartbeat(side).check(clock.getAsLong()) == Heartbeat.Verdict.PING;
    }

    private boolean closing() {
        return fromClient.closeSeen() || fromBackend.closeSeen() || closeSent[0] || closeSent[1];
    }

    private boolean answered(Side side, byte[] payload) {
        Heartbeat h = heartbeat(side);
        if (!h.pong(payload, clock.getAsLong())) {
            return false;
        }
        meters(side).pongReceived(h.lastRoundTrip());
        return true;
    }

    private Heartbeat heartbeat(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    private HeartbeatMeters meters(Side side) {
        return side == Side.CLIENT ? clientMeters : backendMeters;
    }
}
