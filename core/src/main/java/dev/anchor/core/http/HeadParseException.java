package dev.anchor.core.http;

/**
 * A head the parser refused, with the status the gateway answers it with: 400, 414, 431 or 505
 * for a client's request; 502 for a backend's response, which the client never sees as such.
 */
public final class HeadParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    public HeadParseException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
