package dev.anchor.core.capacity;

import dev.anchor.core.config.ConfigValues;
import dev.anchor.core.config.Endpoint;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.RouteConfig;
import dev.anchor.core.config.UpstreamSource;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How many upstream connections the gateway can hold, backend by backend, and the leases that
 * claim them. One {@link UpstreamSlots} per distinct backend endpoint (ip:port), however many
 * routes name it: a source pair can serve each endpoint once, so the endpoint is the unit.
 * Capacity therefore grows with backends: sources x ports x endpoints in all.
 *
 * <p>Made once at start from the configuration and shared by every thread of the gateway.
 */
public final class Capacity {
    private final UpstreamSource source;
    private final KernelPortRange kernelRange;
    private final Map<InetSocketAddress, UpstreamSlots> byEndpoint;

    private Capacity(UpstreamSource source, KernelPortRange kernelRange, Map<InetSocketAddress, UpstreamSlots> byEndpoint) {
        this.source = source;
        this.kernelRange = kernelRange;
        this.byEndpoint = byEndpoint;
    }

    /** From the configuration, on the system clock and the running kernel's port range. */
    public static Capacity of(GatewayConfig config) {
        return of(config, KernelPortRange.LINUX, System::nanoTime);
    }

    // tag::per-endpoint[]
    /**
     * @param portRangeFile where the kernel's ephemeral port range is read from
     * @param nanoClock     the time in nanoseconds, for the set-aside time
     */
    public static Capacity of(GatewayConfig config, Path portRangeFile, LongSupplier nanoClock) {
        return of(config, portRangeFile, nanoClock, Map.of());
    }

    /**
     * As {@link #of(GatewayConfig)}, for a reload: an endpoint in {@code kept} keeps the slots it
     * has, leases and all, so that no source pair is handed out twice across configurations.
     */
    public static Capacity of(GatewayConfig config, Map<InetSocketAddress, UpstreamSlots> kept) {
        return of(config, KernelPortRange.LINUX, System::nanoTime, kept);
    }

    private static Capacity of(GatewayConfig config, Path portRangeFile, LongSupplier nanoClock,
                               Map<InetSocketAddress, UpstreamSlots> kept) {
        UpstreamSource source = config.upstream();
        KernelPortRange range = KernelPortRange.read(portRangeFile);
        Map<InetSocketAddress, UpstreamSlots> slots = new LinkedHashMap<>();
        for (RouteConfig route : config.routes()) {
            for (Endpoint e : route.backends()) {
                slots.computeIfAbsent(e.address(), address -> kept.containsKey(address)
                        ? kept.get(address) : slots(source, range, e, nanoClock));
            }
        }
        return new Capacity(source, range, slots);
    }

    private static UpstreamSlots slots(UpstreamSource source, KernelPortRange range, Endpoint e, LongSupplier clock) {
        if (!source.pooled()) {
            return new KernelSlots(e.text(), e.address(), range);
        }
        SourcePortPool pool = new SourcePortPool(source.addressesFor(e.address().getAddress()),
                source.ports().low(), source.ports().high(), source.setAside(), clock);
        return new PooledSlots(e.text(), e.address(), pool);
    }
    // end::per-endpoint[]

    public UpstreamSource.Mode mode() {
        return source.mode();
    }

    /**
     * A lease toward {@code endpoint}, or empty when its slots are all taken (pool mode).
     *
     * @throws IllegalArgumentException if no route names the endpoint
     */
    public Optional<SlotLease> acquire(InetSocketAddress endpoint) {
        return slots(endpoint).acquire();
    }

    /**
     * The slots toward one endpoint; a gateway may keep it next to its backend and acquire from it
     * directly.
     *
     * @throws IllegalArgumentException if no route names the endpoint
     */
    public UpstreamSlots slots(InetSocketAddress endpoint) {
        UpstreamSlots slots = byEndpoint.get(endpoint);
        if (slots == null) {
            throw new IllegalArgumentException(endpoint + " is not a backend of any route; the backends are "
                    + byEndpoint.keySet());
        }
        return slots;
    }

    /** Every distinct backend endpoint, in the order routes first name them. */
    public List<UpstreamSlots> endpoints() {
        return List.copyOf(byEndpoint.values());
    }

    /** The counts of all endpoints added up; each endpoint's own are consistent, the sum nearly so. */
    public SlotCounts total() {
        SlotCounts sum = SlotCounts.NONE;
        for (UpstreamSlots s : byEndpoint.values()) {
            sum = sum.plus(s.counts());
        }
        return sum;
    }

    /**
     * The capacity of the whole gateway and how it comes about, e.g.
     * {@code 3 endpoints x 4,000 = 12,000}; per endpoint in {@link UpstreamSlots#formula()}.
     */
    public String formula() {
        List<Long> each = new ArrayList<>();
        for (UpstreamSlots s : byEndpoint.values()) {
            each.add(s.counts().capacity());
        }
        int n = each.size();
        String endpoints = String.format(Locale.ROOT, "%,d endpoint%s", n, n == 1 ? "" : "s");
        if (each.contains(SlotCounts.UNKNOWN)) {
            return endpoints + " x unknown = unknown (" + kernelRange.why() + ")";
        }
        long total = each.stream().mapToLong(Long::longValue).sum();
        if (each.stream().distinct().count() <= 1) {
            return String.format(Locale.ROOT, "%s x %,d = %,d", endpoints, n == 0 ? 0 : each.get(0), total);
        }
        // endpoints differ when some are IPv4 and some IPv6, each with its own family's sources
        StringBuilder sb = new StringBuilder();
        for (long c : each) {
            sb.append(sb.isEmpty() ? "" : " + ").append(String.format(Locale.ROOT, "%,d", c));
        }
        return sb.append(String.format(Locale.ROOT, " = %,d", total)).toString();
    }

    /** Things an operator should know about the capacity, none of them fatal; empty when all is well. */
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (!source.pooled() && !kernelRange.known()) {
            notes.add("upstream capacity unknown: " + kernelRange.why());
        }
        if (source.pooled() && kernelRange.known() && source.ports().overlaps(kernelRange.low(), kernelRange.high())) {
            notes.add("upstream.ports " + source.ports() + " overlap the kernel's ephemeral range " + kernelRange
                    + ": unbound connections of this host may take some of these pairs; the kernel then refuses them"
                    + " to the gateway, which sets each aside for " + ConfigValues.describe(source.setAside()));
        }
        return notes;
    }

    /** The kernel's ephemeral port range as read at start, whatever the mode. */
    public KernelPortRange kernelRange() {
        return kernelRange;
    }

    @Override
    public String toString() {
        return "Capacity[" + source.mode().configName() + ": " + formula() + "]";
    }
}
