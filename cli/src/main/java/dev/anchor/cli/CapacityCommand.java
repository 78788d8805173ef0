package dev.anchor.cli;

import dev.anchor.core.capacity.LocalSources;
import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.ConfigValues;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.PortRange;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "capacity",
        description = {"Fill a gateway's source-port pool to the last slot, then see one more refused.",
                "Echo backends and a gateway in pool mode start on loopback; the report gives",
                "the arithmetic, time and heap per tunnel, the 503, the gateway's own count,",
                "and checks that every slot is free again once the tunnels close."},
        mixinStandardHelpOptions = true)
final class CapacityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--impl", paramLabel = "NAME",
            description = "blocking, nio or netty (default: the strongest this build has, as for the demo).")
    String implementation;

    @Option(names = "--backends", paramLabel = "N", defaultValue = "3",
            description = "How many echo backends; each has a pool of its own (default: ${DEFAULT-VALUE}).")
    int backends;

    @Option(names = "--sources", paramLabel = "ADDRESSES", defaultValue = "127.0.0.2-127.0.0.3",
            description = "The source addresses to bind: one, or a range lowest-highest (default: ${DEFAULT-VALUE}).")
    String sources;

    @Option(names = "--ports", paramLabel = "RANGE", defaultValue = "62000-62499",
            description = "The source ports to bind, lowest-highest (default: ${DEFAULT-VALUE}, above the kernel's "
                    + "usual ephemeral range, so nothing else on the machine takes them).")
    String ports;

    @Option(names = "--tunnels", paramLabel = "N",
            description = "Open at most this many tunnels (default: one per slot, as many as the open-file limit allows).")
    Integer tunnels;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "32",
            description = "How many tunnels are being opened at any moment (default: ${DEFAULT-VALUE}).")
    int concurrency;

    /** The options, checked. */
    record Settings(String implementation, int backends, List<InetAddress> sources, PortRange ports,
                    long tunnels, int concurrency) {
        /** Slots toward each backend. */
        long slotsPerBackend() {
            return (long) sources.size() * ports.count();
        }
    }

    @Override
    public Integer call() throws Exception {
        return new CapacityRun(settings(), spec.commandLine().getOut(), spec.commandLine().getErr()).run();
    }

    /** Checks every option before anything starts; a bad one is named with its value. */
    Settings settings() {
        String name = implementation != null ? implementation : Implementations.preferred();
        try {
            Implementations.find(name);
        } catch (UnknownImplementationException e) {
            throw new ParameterException(spec.commandLine(), "--impl: " + e.getMessage());
        }
        if (backends < 1 || backends > 64) {
            throw invalid("--backends", backends, "a number from 1 to 64");
        }
        List<InetAddress> addresses;
        PortRange range;
        try {
            addresses = ConfigValues.sourceAddresses("--sources", sources);
            range = PortRange.parse("--ports", ports);
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (InetAddress a : addresses) {
            if (a.getAddress().length != loopback.getAddress().length) {
                throw invalid("--sources", sources, "addresses of the backends' family; they listen on "
                        + loopback.getHostAddress());
            }
        }
        try {
            LocalSources.require("--sources", addresses, address -> {
                try (java.net.Socket probe = new java.net.Socket()) {
                    probe.bind(new java.net.InetSocketAddress(address, 0));
                }
            });
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        long perBackend = (long) addresses.size() * range.count();
        if (perBackend > GatewayConfig.MAX_SLOTS) {
            throw new ParameterException(spec.commandLine(), String.format(Locale.ROOT,
                    "--sources x --ports: %,d x %,d = %,d slots per backend is more than a gateway takes (%,d); "
                            + "use fewer addresses or ports", addresses.size(), range.count(), perBackend,
                    GatewayConfig.MAX_SLOTS));
        }
        if (tunnels != null && tunnels < 1) {
            throw invalid("--tunnels", tunnels, "a number of at least 1 (leave it out for one per slot)");
        }
        if (concurrency < 1 || concurrency > 1024) {
            throw invalid("--concurrency", concurrency, "a number from 1 to 1024");
        }
        long wanted = perBackend * backends;
        return new Settings(name, backends, addresses, range, tunnels == null ? wanted : Math.min(tunnels, wanted),
                concurrency);
    }

    private ParameterException invalid(String option, Object value, String expected) {
        return new ParameterException(spec.commandLine(),
                option + ": '" + value + "' is not allowed; expected " + expected);
    }
}
