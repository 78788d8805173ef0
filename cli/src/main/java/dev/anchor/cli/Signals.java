package dev.anchor.cli;

import java.util.function.Consumer;

/**
 * POSIX signals to the process. The JDK has no public API for them: SIGTERM and SIGINT only run
 * shutdown hooks, after which the process must exit, and SIGHUP cannot be heard at all. A gateway
 * must drain on SIGTERM, stop at once on a second one, and reload on SIGHUP, so it takes them
 * through {@code sun.misc.Signal} (module jdk.unsupported), which servers on the JVM have used for
 * this for twenty years. Each handler runs on a fresh thread the JVM starts for the signal.
 */
final class Signals {
    private Signals() {
    }

    /** {@code name} is TERM, INT or HUP; {@code handler} gets the signal's name, e.g. SIGTERM. */
    static void on(String name, Consumer<String> handler) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> handler.accept("SIG" + s.getName()));
    }
}
