package dev.anchor.conformance.peers;

/** How a peer saw its connection end. */
public enum Ending {
    /** An orderly FIN: read returned -1. */
    EOF,
    /** A reset: read threw "Connection reset". */
    RESET,
    /** Neither within the deadline: the connection is still open. */
    OPEN
}
