package dev.anchor.cli;

/** An implementation name that this build cannot start, with what it can. */
final class UnknownImplementationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownImplementationException(String message) {
        super(message);
    }
}
