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
        // first, because native transports (Netty's epoll) report EADDRNOTAVAIL as a ConnectException
        // and EADDRINUSE as a plain IOException, with the errno's text and not the JDK's types
        String message = String.valueOf(e.getMessage());
        if (e instanceof BindException || e instanceof IOException
                && (message.contains("Cannot assign requested address") || message.contains("Address already in use"))) {
            return NO_SOURCE_PORT;
        }
        if (e instanceof SocketTimeoutException) {
            return TIMED_OUT;
        }
        if (e instanceof NoRouteToHostException) {
            return UNREACHABLE;
        }
        if (e instanceof ConnectException ce) {
            String m = message.toLowerCase(Locale.ROOT);
            if (m.contains("timed out")) {
                return TIMED_OUT;
            }
            if (m.contains("unreachable") || m.contains("no route")) {
                return UNREACHABLE;
            }
            return REFUSED;
        }
        return OTHER;
    }
}
