package dev.anchor.core.gateway;

import dev.anchor.core.capacity.Capacity;
import dev.anchor.core.capacity.SlotCounts;
import dev.anchor.core.capacity.UpstreamSlots;
import dev.anchor.core.route.Backend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The metrics every implementation exports, under the same names: the one place they are defined.
 * Exposed in Prometheus text format at {@code /metrics}; {@code docs/} lists them with their meaning.
 */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter accepted;
    private final Counter upstreamBytes;
    private final Counter downstreamBytes;
    /** Endpoints whose gauges are registered: a reload registers only the new ones. */
    private final java.util.Set<String> boundBackends = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> boundEndpoints = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * The counters every upgrade touches, found once: building a meter's id and looking it up in
     * the registry costs more than the upgrade's own bookkeeping.
     */
    private final Map<HandshakeOutcome, Counter> handshakes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<CloseReason, Counter> tunnelsClosed = new java.util.concurrent.ConcurrentHashMap<>();

    private record HandshakeOutcome(String result, int status) {
    }

    public GatewayMetrics(String implementation) {
        registry.config().commonTags("implementation", implementation);
        accepted = Counter.builder("anchor.client.connections.accepted")
                .description("Client connections accepted")
                .register(registry);
        upstreamBytes = bytes(Direction.UPSTREAM);
        downstreamBytes = bytes(Direction.DOWNSTREAM);
    }

    private Counter bytes(Direction d) {
        return Counter.builder("anchor.tunnel.bytes")
                .description("Bytes relayed through tunnels")
                .baseUnit("bytes")
                .tag("direction", d.label())
                .register(registry);
    }

    void bind(ConnectionRegistry connections, BooleanSupplier draining) {
        gauge("anchor.client.connections", "Client connections open now", connections::clientConnections);
        gauge("anchor.upstream.connections", "Upstream connections open or opening now", connections::upstreamConnections);
        gauge("anchor.tunnels", "Tunnels open now", connections::tunnelCount);
        gauge("anchor.draining", "1 while the gateway drains, 0 otherwise", () -> draining.getAsBoolean() ? 1 : 0);
    }

    /** The gauges of each backend endpoint; an endpoint already bound (kept by a reload) is left as it is. */
    void bind(List<Backend> backends) {
        for (Backend b : backends) {
            if (!boundBackends.add(b.name())) {
                continue;
            }
            Gauge.builder("anchor.backend.connections", b, Backend::connections)
                    .description("Upstream connections open or opening to one backend endpoint")
                    .tag("backend", b.name())
                    .register(registry);
            Gauge.builder("anchor.backend.up", b, x -> x.health().up() ? 1 : 0)
                    .description("1 while a backend endpoint takes new tunnels, 0 while it is marked down")
                    .tag("backend", b.name())
                    .register(registry);
        }
    }

    /** A reload was applied, or refused and the configuration kept. */
    void reloaded(boolean applied) {
        Counter.builder("anchor.reloads")
                .description("Configuration reloads, by result: applied, or refused (the old configuration kept)")
                .tag("result", applied ? "applied" : "refused")
                .register(registry)
                .increment();
    }

    /** The counts of one counter by the values of one of its tags, for the status page. */
    Map<String, Long> counts(String name, String... tags) {
        Map<String, Long> counts = new TreeMap<>();
        for (Counter c : registry.find(name).counters()) {
            StringBuilder key = new StringBuilder();
            for (String tag : tags) {
                key.append(key.isEmpty() ? "" : " ").append(c.getId().getTag(tag));
            }
            counts.merge(key.toString(), (long) c.count(), Long::sum);
        }
        return counts;
    }

    // tag::capacity-metrics[]
    /**
     * Per backend endpoint: its capacity, its slots by state, and the slots refused, by the pool
     * (full) or by the kernel (set aside). An unknown capacity (kernel mode, range unreadable) is NaN.
     */
    void bind(Capacity capacity) {
        for (UpstreamSlots s : capacity.endpoints()) {
            if (!boundEndpoints.add(s.name())) {
                continue; // kept by a reload, with its gauges
            }
            slotGauge("anchor.upstream.slots.capacity", "Source slots toward one backend endpoint: sources x ports",
                    s, null, c -> c.capacityKnown() ? c.capacity() : Double.NaN);
            slotGauge("anchor.upstream.slots", "Source slots toward one backend endpoint, by state", s, "in_use",
                    SlotCounts::inUse);
            slotGauge("anchor.upstream.slots", "Source slots toward one backend endpoint, by state", s, "free",
                    c -> c.capacityKnown() ? c.free() : Double.NaN);
            slotGauge("anchor.upstream.slots", "Source slots toward one backend endpoint, by state", s, "set_aside",
                    SlotCounts::setAside);
            FunctionCounter.builder("anchor.upstream.slots.refused", s, x -> x.counts().refusals())
                    .description("Acquires that found no free slot (pool), or slots the kernel refused (kernel)")
                    .tag("backend", s.name()).tag("by", "pool").register(registry);
            FunctionCounter.builder("anchor.upstream.slots.refused", s, x -> x.counts().kernelRefusals())
                    .description("Acquires that found no free slot (pool), or slots the kernel refused (kernel)")
                    .tag("backend", s.name()).tag("by", "kernel").register(registry);
        }
    }

    private void slotGauge(String name, String description, UpstreamSlots slots, String state,
                           ToDoubleFunction<SlotCounts> value) {
        Gauge.Builder<UpstreamSlots> b = Gauge.builder(name, slots, s -> value.applyAsDouble(s.counts()))
                .description(description).tag("backend", slots.name());
        (state == null ? b : b.tag("state", state)).register(registry);
    }

    /** A client turned away by the gateway itself, e.g. {@code capacity}: no source port toward any backend. */
    void clientRefused(String reason) {
        Counter.builder("anchor.clients.refused")
                .description("Clients the gateway turned away before reaching a backend, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
    // end::capacity-metrics[]

    private void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    void accepted() {
        accepted.increment();
    }

    Counter bytesCounter(Direction d) {
        return d == Direction.UPSTREAM ? upstreamBytes : downstreamBytes;
    }

    /** A finished handshake: {@code result} is switched, passed_on, rejected or admin. */
    void handshake(String result, int status) {
        handshakes.computeIfAbsent(new HandshakeOutcome(result, status), o -> Counter.builder("anchor.handshakes")
                .description("Opening handshakes by result and the status the client got")
                .tag("result", o.result())
                .tag("status", Integer.toString(o.status()))
                .register(registry)).increment();
    }

    void tunnelClosed(CloseReason reason) {
        tunnelsClosed.computeIfAbsent(reason, r -> Counter.builder("anchor.tunnels.closed")
                .description("Tunnels closed, by reason")
                .tag("reason", r.label())
                .register(registry)).increment();
    }

    void connectFailed(Backend backend, ConnectFailure cause) {
        Counter.builder("anchor.upstream.connect.failures")
                .description("Failed connects to a backend endpoint, by cause")
                .tag("backend", backend.name())
                .tag("cause", cause.label())
                .register(registry)
                .increment();
    }

    /** The heartbeat meters of one leg: create once per gateway, use for every tunnel. */
    public HeartbeatMeters heartbeat(Side side) {
        return new HeartbeatMeters(
                Counter.builder("anchor.heartbeat.pings").description("Pings the gateway sent").tag("leg", side.label())
                        .register(registry),
                Counter.builder("anchor.heartbeat.pongs").description("Pongs that answered the gateway's Pings")
                        .tag("leg", side.label()).register(registry),
                Timer.builder("anchor.heartbeat.rtt").description("Round trip of the gateway's Pings")
                        .tag("leg", side.label()).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1))
                        .register(registry));
    }

    /** A peer died without a word: counted by leg and by how the gateway found out. */
    void peerDied(Side side, CloseReason reason) {
        Counter.builder("anchor.peer.deaths")
                .description("Legs found dead, by leg and by how: heartbeat, write_stalled, tcp_timeout")
                .tag("leg", side.label())
                .tag("reason", reason.label())
                .register(registry)
                .increment();
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
