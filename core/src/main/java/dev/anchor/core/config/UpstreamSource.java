package dev.anchor.core.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code upstream}: where the gateway's connections to backends come from. A connection is a
 * 4-tuple, so the source (address, port) pairs bound the number of upstream connections to each
 * backend endpoint; this says who picks them.
 *
 * @param mode      {@code kernel}: no bind, the kernel picks from its ephemeral range (the default,
 *                  nothing to set up); {@code pool}: the gateway binds each upstream socket to a
 *                  pair of its own pool, so capacity is exact and the same on every host
 * @param addresses pool mode: the source addresses to bind, in configuration order; empty in
 *                  kernel mode
 * @param ports     pool mode: the source ports; null in kernel mode
 * @param setAside  pool mode: how long a pair the kernel refused stays out of use. The default is
 *                  Linux's TIME_WAIT, the usual reason a pair is refused.
 */
public record UpstreamSource(Mode mode, List<InetAddress> addresses, PortRange ports, Duration setAside) {
    /** TCP_TIMEWAIT_LEN on Linux; not tunable there. */
    public static final Duration TIME_WAIT = Duration.ofSeconds(60);

    public static final UpstreamSource KERNEL = new UpstreamSource(Mode.KERNEL, List.of(), null, TIME_WAIT);

    public enum Mode {
        KERNEL,
        POOL;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public UpstreamSource {
        addresses = List.copyOf(addresses);
    }

    public static UpstreamSource pool(List<InetAddress> addresses, PortRange ports, Duration setAside) {
        return new UpstreamSource(Mode.POOL, addresses, ports, setAside);
    }

    public boolean pooled() {
        return mode == Mode.POOL;
    }

    /**
     * The source addresses that can reach {@code backend}: those of its family. An IPv4 source
     * cannot connect to an IPv6 backend, so each endpoint's pool takes only its own kind.
     */
    public List<InetAddress> addressesFor(InetAddress backend) {
        int length = backend.getAddress().length;
        return addresses.stream().filter(a -> a.getAddress().length == length).toList();
    }
}
