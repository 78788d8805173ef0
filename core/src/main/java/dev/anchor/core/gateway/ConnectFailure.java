package dev.anchor.core.gateway;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/** Why one connect to a backend failed; all three implementations map their exceptions here. */
public enum ConnectFailure {
    REFUSED,
    TIMED_OUT,
    UNREACHABLE,
    /**
     * The kernel refused the source address and port: "Address already in use" at bind, "Cannot
     * assign requested address" (EADDRNOTAVAIL) at connect.
     */
    NO_SOURCE_PORT,
    /** The gateway's own pool had no free source slot toward this backend; no SYN was sent. */
    NO_CAPACITY,
    OTHER;

    /** Whether the failure was a shortage of source ports, the gateway's own or the kernel's: a 503, not a 502. */
    public boolean isCapacity() {
        return this == NO_SOURCE_PORT || this == NO_CAPACITY;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConnectFailure of(Throwable e) {
        if (e instanceof SocketTimeoutException) {
            return TIMED_OUT;
        }
        if (e instanceof BindException) {
            return NO_SOURCE_PORT;
        }
        if (e instanceof NoRouteToHostException) {
            return UNREACHABLE;
        }
        if (e instanceof ConnectException ce) {
            String m = String.valueOf(ce.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("timed out")) {
                return TIMED_OUT;
            }
            if (m.contains("unreachable") || m.contains("no route")) {
                return UNREACHABLE;
            }
            return REFUSED;
        }
        if (e instanceof IOException && String.valueOf(e.getMessage()).contains("Cannot assign requested address")) {
            return NO_SOURCE_PORT;
        }
        return OTHER;
    }
}
