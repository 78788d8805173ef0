package dev.anchor.conformance.targets;

import java.io.IOException;

/**
 * A gateway that would not start with a configuration: in process, the configuration error it
 * threw; as a process, one that exited before it accepted, with what it printed. Either way the
 * message is what an operator would read, so a rule can require it to name the key and the value.
 */
public final class StartRefused extends IOException {
    private static final long serialVersionUID = 1L;

    public StartRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
