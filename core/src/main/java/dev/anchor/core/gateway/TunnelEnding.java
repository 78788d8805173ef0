package dev.anchor.core.gateway;

import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.heartbeat.TunnelWatch;
import dev.anchor.core.websocket.FrameException;
import java.nio.ByteBuffer;

/**
 * How a tunnel ends, decided once for all three gateways: for each way a tunnel can end, which leg
 * is aborted, which gets a Close frame before its FIN, and which is closed, and for the end of one
 * stream, what its FIN becomes on the other leg. The implementations carry the plans out; none of
 * them decides.
 *
 * <p>The rules, in short. A peer that failed (RST, broken pipe) or died (no Pong, no progress, the
 * kernel gave up) cannot be told anything: its leg is aborted or closed. The live peer learns why:
 * in {@code ping} mode, where the gateway knows the frame boundaries, with a Close 1001 between two
 * of its frames, and then FIN; in {@code off} mode, where it does not, with a reset when the other
 * peer reset (so a byte tunnel passes RST on as RST) and otherwise with FIN after what is queued
 * for it. A stream that ends with FIN is passed on as a half-close, and in {@code ping} mode, if
 * its sender said no Close first, the receiver gets a Close 1001 ahead of the FIN: a backend that
 * vanishes reaches the client as "going away", never as a bare FIN (RFC 6455 code 1006, which a
 * Close frame may not carry, is what the client would otherwise report).
 *
 * <p>Whoever ends the tunnel first decides: every method returns null once it has ended.
 *
 * <p>Not thread-safe: each implementation calls it as it calls the tunnel's {@link TunnelLiveness}.
 */
// tag::tunnel-ending[]
public final class TunnelEnding {
    static final int GOING_AWAY = 1001;
    /** A Close reason is at most 123 bytes; the scanner's messages are ASCII, so this leaves room. */
    private static final int MAX_REASON = 100;

    /** What happens to one leg. */
    public enum Action {
        /** RST at once; whatever is queued toward it is dropped. */
        ABORT,
        /** Closed at once; whatever is queued toward it is dropped. */
        CLOSE,
        /**
         * After what is queued toward it: the Close frame if there is one, then FIN. What the peer
         * still sends is read and dropped until it closes too, for at most {@link Linger#TIME};
         * then the leg closes. Closing with unread input would send RST and could destroy the Close.
         */
        FINISH,
        /** After what is queued toward it: the Close frame if there is one, then FIN; the peer's own stream goes on. */
        HALF_CLOSE
    }

    /** One leg's part of a plan: an action, and the Close frame to write first, or null. */
    public record LegEnd(Action action, ByteBuffer close) {
        static LegEnd of(Action action) {
            return new LegEnd(action, null);
        }
    }

    /** How the tunnel ends: the reason it is counted under, the leg found dead if any, and each leg's end. */
    public record Plan(CloseReason reason, Side dead, LegEnd client, LegEnd backend) {
        public LegEnd leg(Side side) {
            return side == Side.CLIENT ? client : backend;
        }
    }

    /** Frame boundaries and heartbeats; null in {@code off} mode, where no Close frame can be placed. */
    private final TunnelLiveness liveness;
    /** The first side whose stream ended without its Close frame, or null. */
    private Side unclean;
    /** Volatile so that any thread may ask whether the tunnel has ended; everything else waits for its caller's discipline. */
    private volatile boolean ended;

    public TunnelEnding(TunnelLiveness liveness) {
        this.liveness = liveness;
    }

    /**
     * The stream from {@code sender} ended with FIN: what the other leg gets. Always a half-close,
     * so the other direction goes on; in {@code ping} mode, if {@code sender} sent no Close, a
     * Close 1001 goes first. Null once the tunnel has ended.
     */
    public LegEnd streamEnded(Side sender) {
        if (ended) {
            return null;
        }
        boolean saidGoodbye = liveness != null && liveness.closeSeenFrom(sender);
        if (!saidGoodbye && unclean == null) {
            unclean = sender;
        }
        ByteBuffer close = saidGoodbye ? null : closeToward(sender.other(), GOING_AWAY, sender.label() + " went away");
        if (liveness != null) {
            liveness.streamEnded(sender);
        }
        return new LegEnd(Action.HALF_CLOSE, close);
    }

    /**
     * Both streams ended and both FINs have been passed on: nothing is left to carry. Counted as
     * {@link CloseReason#COMPLETED} after a close handshake the gateway saw, otherwise under the
     * side that ended first without one.
     */
    public Plan completed() {
        return end(unclean == null ? CloseReason.COMPLETED : CloseReason.ended(unclean), null,
                LegEnd.of(Action.CLOSE), LegEnd.of(Action.CLOSE));
    }
    // end::tunnel-ending[]

    /**
     * Reading from or writing to {@code side} failed with {@code cause}: a reset, or the kernel
     * giving up on a peer that vanished (keepalive, TCP_USER_TIMEOUT), which is a death.
     */
    // tag::failed[]
    public Plan failed(Side side, Throwable cause) {
        if (ended) {
            return null;
        }
        CloseReason reason = CloseReason.failure(side, cause);
        if (reason == CloseReason.TCP_TIMEOUT) {
            return died(side, reason);
        }
        ByteBuffer close = closeToward(side.other(), GOING_AWAY, side.label() + " connection reset");
        LegEnd other = close != null ? new LegEnd(Action.FINISH, close) : LegEnd.of(Action.ABORT);
        return end(reason, null, side, LegEnd.of(Action.CLOSE), other);
    }
    // end::failed[]

    /** What the tunnel's timer found: idle, or a leg that stopped taking bytes or answering. */
    public Plan timedOut(TunnelWatch.Ending found) {
        if (ended) {
            return null;
        }
        if (found.dead() != null) {
            return died(found.dead(), found.reason());
        }
        return end(found.reason(), null,
                finish(Side.CLIENT, GOING_AWAY, "idle for too long"),
                finish(Side.BACKEND, GOING_AWAY, "idle for too long"));
    }

    // tag::died[]
    /**
     * {@code dead} stopped answering, stopped taking bytes, or the kernel gave up on it: its leg is
     * aborted, and the other side is told it went away.
     */
    public Plan died(Side dead, CloseReason reason) {
        if (ended) {
            return null;
        }
        LegEnd other = finish(dead.other(), GOING_AWAY, dead.label() + " " + why(reason));
        return end(reason, dead, dead, LegEnd.of(Action.ABORT), other);
    }

    /** A frame RFC 6455 forbids: its sender hears why (1002, or 1009), the other side that the tunnel is going away. */
    public Plan protocolError(Side offender, FrameException e) {
        if (ended) {
            return null;
        }
        String why = e.getMessage();
        LegEnd toOffender = finish(offender, e.closeCode(), why.length() > MAX_REASON ? why.substring(0, MAX_REASON) : why);
        LegEnd toOther = finish(offender.other(), GOING_AWAY, offender.label() + " broke the protocol");
        return end(CloseReason.PROTOCOL_ERROR, null, offender, toOffender, toOther);
    }
    // end::died[]

    // tag::go-away[]
    /** Why the gateway asked the tunnel to go, while it waits for frame boundaries to say so; or null. */
    private CloseReason departing;

    /**
     * The gateway asks the tunnel to go ({@code reason}: a drain, its lifetime, its backend down or
     * removed). In {@code ping} mode each endpoint gets a Close 1001 and then FIN, but a Close may
     * only go between two frames: while either stream is inside one, this returns null, and
     * {@link #departureIfDue()} is asked again as the bytes pass. A tunnel whose endpoints are
     * already closing is left to finish. In {@code off} mode no Close can be placed: both legs get
     * FIN after what is queued for them.
     */
    public Plan goAway(CloseReason reason) {
        if (ended) {
            return null;
        }
        if (departing == null) {
            departing = reason;
        }
        return departureIfDue();
    }

    /** The plan of a departure asked for earlier, if both streams are between frames now; otherwise null. */
    public Plan departureIfDue() {
        if (ended || departing == null) {
            return null;
        }
        if (liveness == null) {
            return end(departing, null, LegEnd.of(Action.FINISH), LegEnd.of(Action.FINISH));
        }
        if (!liveness.canCloseBoth()) {
            return null;
        }
        return end(departing, null,
                finish(Side.CLIENT, GOING_AWAY, departing.goingAway()),
                finish(Side.BACKEND, GOING_AWAY, departing.goingAway()));
    }
    // end::go-away[]

    /** The gateway is stopping: both legs close at once. */
    public Plan shutdown() {
        return end(CloseReason.SHUTDOWN, null, LegEnd.of(Action.CLOSE), LegEnd.of(Action.CLOSE));
    }

    /** True once a plan has been handed out. */
    public boolean ended() {
        return ended;
    }

    private LegEnd finish(Side side, int code, String reason) {
        return new LegEnd(Action.FINISH, closeToward(side, code, reason));
    }

    private ByteBuffer closeToward(Side side, int code, String reason) {
        return liveness == null ? null : liveness.closeToward(side, code, reason);
    }

    private Plan end(CloseReason reason, Side dead, Side subject, LegEnd toSubject, LegEnd toOther) {
        return subject == Side.CLIENT
                ? end(reason, dead, toSubject, toOther)
                : end(reason, dead, toOther, toSubject);
    }

    private Plan end(CloseReason reason, Side dead, LegEnd client, LegEnd backend) {
        if (ended) {
            return null;
        }
        ended = true;
        return new Plan(reason, dead, client, backend);
    }

    private static String why(CloseReason reason) {
        return switch (reason) {
            case HEARTBEAT -> "did not answer a ping";
            case WRITE_STALLED -> "stopped reading";
            case TCP_TIMEOUT -> "connection timed out";
            default -> "went away";
        };
    }
}
