package dev.anchor.core.gateway;

import java.util.Locale;

/** The two legs of a tunnel; the {@code leg} label of the heartbeat and liveness metrics. */
public enum Side {
    CLIENT,
    BACKEND;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Side other() {
        return this == CLIENT ? BACKEND : CLIENT;
    }
}
