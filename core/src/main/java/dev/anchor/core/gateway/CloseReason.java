package dev.anchor.core.gateway;

import java.util.Locale;

/** Why a tunnel ended; the {@code reason} label of {@code anchor_tunnels_closed_total}. */
public enum CloseReason {
    /** Both directions ended with FIN: the peers closed in order. */
    COMPLETED,
    /** The client's connection was reset (RST) or failed; the backend leg was aborted. */
    CLIENT_RESET,
    /** The backend's connection was reset (RST) or failed; the client leg was aborted. */
    BACKEND_RESET,
    /** Nothing moved in either direction for {@code timeouts.idle}. */
    IDLE_TIMEOUT,
    /** The gateway was stopped. */
    SHUTDOWN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
