package dev.anchor.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** One line per log record on stderr, through java.util.logging, which System.Logger uses by default. */
final class Logging {
    private Logging() {
    }

    static void configure() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return; // the operator brought their own
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$-7s %3$s: %5$s%6$s%n");
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new SimpleFormatter());
        console.setLevel(Level.ALL);
        root.addHandler(console);
        root.setLevel(Level.INFO);
        Logger.getLogger("io.netty").setLevel(Level.WARNING);
    }

    static void verbose() {
        Logger.getLogger("dev.anchor").setLevel(Level.FINE);
    }
}
