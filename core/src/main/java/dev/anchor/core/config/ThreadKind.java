package dev.anchor.core.config;

import java.util.Locale;

/** The threads the blocking gateway runs its connections on. */
public enum ThreadKind {
    /** A virtual thread per direction: blocking code, with the JDK multiplexing it onto few carriers. */
    VIRTUAL,
    /** A platform thread per direction: the classic model, kept for comparison. */
    PLATFORM;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
