package dev.anchor.cli;

import dev.anchor.core.config.ConfigLoader;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run",
        description = {"Run a gateway from a configuration file until it is stopped.",
                "SIGTERM or Ctrl+C drains it (a second one stops it at once); SIGHUP reloads the file.",
                "The file format is described in docs/configuration and examples/gateway.yaml."},
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The YAML configuration, e.g. examples/gateway.yaml.")
    Path config;

    @Option(names = "--impl", paramLabel = "NAME",
            description = "blocking, nio or netty; overrides 'implementation' in the file.")
    String implementation;

    @Option(names = "--check",
            description = "Read and validate the configuration, print what would run, and exit.")
    boolean check;

    @Option(names = {"-v", "--verbose"}, description = "Log every connection's end, not just problems.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (verbose) {
            Logging.verbose();
        }
        GatewayConfig cfg = ConfigLoader.load(config);
        String name = implementation != null ? implementation : cfg.implementation();
        GatewayProvider provider = Implementations.find(name);
        cfg = withImplementation(cfg, name);
        if (check) {
            Summary.print(spec.commandLine().getOut(), name, cfg, null);
            spec.commandLine().getOut().println("configuration OK");
            spec.commandLine().getOut().flush();
            return 0;
        }
        Gateway gateway = provider.start(cfg);
        // a reload reads the same file, and keeps the implementation this process runs
        gateway.reloadFrom(() -> withImplementation(load(config), name));
        Summary.print(spec.commandLine().getOut(), name, cfg, gateway.address());
        return new ProcessLifecycle(gateway).run();
    }

    private static GatewayConfig load(Path file) {
        try {
            return ConfigLoader.load(file);
        } catch (java.io.IOException e) {
            throw new dev.anchor.core.config.ConfigException("", "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static GatewayConfig withImplementation(GatewayConfig config, String name) {
        return config.implementation().equals(name) ? config : config.toBuilder().implementation(name).build();
    }

    /** Blocks until the JVM is asked to stop, then closes {@code resource} in the shutdown hook. */
    static void awaitShutdown(AutoCloseable resource) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                resource.close();
                // printed, not logged: java.util.logging may already be shut down by its own hook
                System.err.println("anchor: stopped");
            } catch (Exception e) {
                System.err.println("anchor: while stopping: " + Failures.describe(e));
            } finally {
                stopped.countDown();
            }
        }, "anchor-shutdown"));
        stopped.await();
    }
}
