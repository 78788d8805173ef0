package dev.anchor.core.websocket;

/** A frame that RFC 6455 forbids on the wire; the connection is failed with close code 1002. */
public final class FrameException extends Exception {
    private static final long serialVersionUID = 1L;

    public FrameException(String message) {
        super(message, null, false, false);
    }

    /** RFC 6455 section 7.4.1: protocol error. */
    public int closeCode() {
        return 1002;
    }
}
