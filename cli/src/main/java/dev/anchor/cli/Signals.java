package dev.anchor.cli;

import java.util.function.Consumer;

/**
 * POSIX signals to the process. The JDK has no public API for them: by default SIGTERM, SIGINT
 * and SIGHUP run the shutdown hooks and end the process. A gateway must drain on SIGTERM, stop at
 * once on a second one, and reload on SIGHUP, so it takes them through {@code sun.misc.Signal}
 * (module jdk.unsupported), which servers on the JVM have long used for this. Each handler runs
 * on a fresh thread the JVM starts for the signal.
 */
final class Signals {
    private Signals() {
    }

    /**
     * {@code name} is TERM, INT or HUP; {@code handler} gets the signal's name, e.g. SIGHUP. False
     * if the process was started with the signal ignored (as {@code nohup} ignores SIGHUP): the JVM
     * then keeps it ignored, and the handler will never run.
     */
    static boolean on(String name, Consumer<String> handler) {
        sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal(name), s -> handler.accept("SIG" + s.getName()));
        return before != sun.misc.SignalHandler.SIG_IGN;
    }
}
