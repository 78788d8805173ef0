package dev.anchor.cli;

import dev.anchor.core.config.ConfigException;
import java.net.BindException;

/** Turns what went wrong into one line an operator can act on. */
final class Failures {
    private Failures() {
    }

    static String describe(Throwable e) {
        if (e instanceof ConfigException || e instanceof UnknownImplementationException) {
            return e.getMessage();
        }
        if (e instanceof BindException) {
            return "cannot listen: " + e.getMessage()
                    + " (is another process using the port? choose another with 'listen' or --port)";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
