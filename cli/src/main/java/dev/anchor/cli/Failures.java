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
                    + " (is another process using the port? change 'listen' in the configuration, or --port for the demo)";
        }
        if (e instanceof java.util.concurrent.ExecutionException && e.getCause() != null) {
            return describe(e.getCause());
        }
        if (e instanceof java.net.http.WebSocketHandshakeException handshake) {
            return "the server refused the WebSocket handshake with HTTP " + handshake.getResponse().statusCode();
        }
        if (e instanceof java.net.ConnectException) {
            return "cannot connect: " + (e.getMessage() == null ? "connection refused" : e.getMessage());
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
