package dev.anchor.core.gateway;

import java.util.Locale;

/** Why a tunnel ended; the {@code reason} label of {@code anchor_tunnels_closed_total}. */
public enum CloseReason {
    /**
     * Both directions ended with FIN, each after its endpoint's Close frame: a close handshake the
     * gateway saw. Only a gateway that follows frames ({@code ping} mode) can see one.
     */
    COMPLETED,
    /**
     * The client ended its stream (FIN) first, without a Close frame the gateway saw; the tunnel
     * then finished. In {@code off} mode, where the gateway does not follow frames, every orderly
     * end is counted here or under {@link #BACKEND_ENDED}, by who ended first.
     */
    CLIENT_ENDED,
    /** The backend ended its stream (FIN) first, without a Close frame the gateway saw: often a backend that went away. */
    BACKEND_ENDED,
    /** The client's connection was reset (RST) or failed. */
    CLIENT_RESET,
    /** The backend's connection was reset (RST) or failed. */
    BACKEND_RESET,
    /** Nothing moved in either direction for {@code timeouts.idle}. */
    IDLE_TIMEOUT,
    /** A leg said nothing within {@code heartbeat.*.timeout} of the gateway's Ping. */
    HEARTBEAT,
    /** A leg took none of the bytes the gateway had for it for {@code timeouts.write}. */
    WRITE_STALLED,
    /** The kernel gave up on a leg: keepalive probes or TCP_USER_TIMEOUT expired. */
    TCP_TIMEOUT,
    /** In ping mode, a leg sent a frame RFC 6455 forbids. */
    PROTOCOL_ERROR,
    /** The gateway was draining and asked the tunnel to go: a Close 1001 to both endpoints, or FIN in off mode. */
    DRAINED,
    /** The tunnel reached {@code tunnel.max-lifetime} and was asked to go, so that its client reconnects elsewhere. */
    MAX_LIFETIME,
    /** Its backend was marked down by an active probe, with {@code health.close-tunnels-on-down}. */
    BACKEND_DOWN,
    /** A reload removed its backend, with {@code reload.drain-removed}. */
    BACKEND_REMOVED,
    /** The gateway was stopped, or a drain reached its deadline: both legs closed at once. */
    SHUTDOWN;

    /** The reason a tunnel gets when {@code side} ended its stream first, without a close handshake. */
    public static CloseReason ended(Side side) {
        return side == Side.CLIENT ? CLIENT_ENDED : BACKEND_ENDED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Why a leg failed, from what reading or writing it threw: the kernel's "Connection timed out"
     * (keepalive or TCP_USER_TIMEOUT gave up) is a dead peer; anything else, a reset.
     */
    public static CloseReason failure(Side side, Throwable e) {
        if (e != null && String.valueOf(e.getMessage()).contains("Connection timed out")) {
            return TCP_TIMEOUT;
        }
        return side == Side.CLIENT ? CLIENT_RESET : BACKEND_RESET;
    }

    /** The words of the Close frame that asks the endpoints to go for this reason. */
    public String goingAway() {
        return switch (this) {
            case DRAINED -> "gateway is shutting down";
            case MAX_LIFETIME -> "connection reached its maximum lifetime";
            case BACKEND_DOWN -> "backend is down";
            case BACKEND_REMOVED -> "backend was removed";
            default -> "going away";
        };
    }

    /** True for the reasons that mean a peer is gone without a word: the deaths the metrics count. */
    public boolean isDeath() {
        return this == HEARTBEAT || this == WRITE_STALLED || this == TCP_TIMEOUT;
    }
}
