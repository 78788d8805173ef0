package dev.anchor.bench.peers;

import java.io.IOException;

/** An echo that is not what was sent, or that never came: the run stops, since its numbers would count broken work. */
final class WrongEchoException extends IOException {
    WrongEchoException(String message) {
        super(message);
    }
}
