package dev.anchor.cli;

import dev.anchor.core.config.ConfigException;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.lifecycle.DrainReport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the signals do to a running gateway, and when the process ends. SIGTERM or Ctrl+C begins a
 * drain; a second one during it stops at once. SIGHUP reloads the configuration file. The process
 * ends when the drain is over, however it began ({@code POST /drain} too), or at the second
 * signal: the gateway is closed, a summary is logged, and the exit code is 0.
 */
// tag::process-lifecycle[]
final class ProcessLifecycle {
    private static final System.Logger LOG = System.getLogger("dev.anchor.cli.anchor");

    private final Gateway gateway;
    private final AtomicInteger stops = new AtomicInteger();
    private final CompletableFuture<String> stopNow = new CompletableFuture<>();

    ProcessLifecycle(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Blocks until the gateway has drained, or was told twice to stop; then closes it. */
    int run() {
        Signals.on("TERM", this::stop);
        Signals.on("INT", this::stop);
        if (!Signals.on("HUP", this::reload)) {
            LOG.log(System.Logger.Level.WARNING, "SIGHUP is ignored in this process (started under nohup?): "
                    + "reload with POST /reload instead");
        }
        CompletableFuture<DrainReport> drained = gateway.drained();
        CompletableFuture.anyOf(drained, stopNow).join();
        int left = gateway.status().tunnels();
        gateway.close();
        if (drained.isDone()) {
            LOG.log(System.Logger.Level.INFO, "{0}; exiting", drained.join().describe());
        } else {
            LOG.log(System.Logger.Level.INFO, "{0} during the drain: stopped at once, {1} tunnels closed; exiting",
                    stopNow.join(), left);
        }
        return 0;
    }

    private void stop(String signal) {
        if (stops.getAndIncrement() == 0) {
            LOG.log(System.Logger.Level.INFO, "{0}: draining (again to stop at once)", signal);
            gateway.drain();
        } else {
            stopNow.complete(signal);
        }
    }

    private void reload(String signal) {
        try {
            LOG.log(System.Logger.Level.INFO, "{0}: {1}", signal, gateway.reload());
        } catch (ConfigException refused) {
            // logged and counted by the gateway; the configuration in force stays
        }
    }
}
// end::process-lifecycle[]
