package dev.anchor.conformance.peers;

/** How a peer saw its connection end. */
public enum Ending {
    /** An orderly FIN: read returned -1; over TLS, after the other side's close_notify. */
    EOF,
    /**
     * Over TLS only: FIN with no close_notify before it, so the peer cannot tell an end from a cut
     * (RFC 8446 section 6.1 and RFC 5246 section 7.2.1 make each side send close_notify first).
     */
    TRUNCATED,
    /** A reset: read threw "Connection reset". */
    RESET,
    /** Neither within the deadline: the connection is still open. */
    OPEN
}
