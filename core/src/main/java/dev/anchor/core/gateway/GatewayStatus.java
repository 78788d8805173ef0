package dev.anchor.core.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.anchor.core.capacity.Capacity;
import dev.anchor.core.capacity.SlotCounts;
import dev.anchor.core.capacity.UpstreamSlots;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a running gateway, served as JSON at {@code /status} and read by the conformance
 * suite to check the gateway's own accounting.
 *
 * @param transport the I/O transport underneath, for an implementation that has a choice of them
 *                  ({@code epoll} or {@code nio} for Netty); null, and absent from the JSON, otherwise
 * @param capacity  the upstream source slots: how many connections each backend endpoint can take,
 *                  how many are in use, and the arithmetic behind the numbers
 */
public record GatewayStatus(
        String implementation,
        String listen,
        long uptimeMillis,
        int clientConnections,
        int upstreamConnections,
        int tunnels,
        List<BackendStatus> backends,
        List<TunnelStatus> tunnelList,
        @JsonInclude(JsonInclude.Include.NON_NULL) String transport,
        CapacityStatus capacity,
        LifecycleStatus lifecycle,
        EventCounts events) {

    /**
     * One backend endpoint: its upstream connections, whether it takes new tunnels ({@code up},
     * and {@code health} in words), and whether the configuration still names it (a reload may
     * have removed it while tunnels to it live on).
     */
    public record BackendStatus(String backend, int connections, boolean up, String health, boolean configured) {
    }

    /**
     * Drain and reload: whether a drain is under way, the configuration in force (1 at start, one
     * more per applied reload), the reloads refused, and why the last one was.
     */
    public record LifecycleStatus(boolean draining, long generation, long reloadsRefused,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) String lastRefusal) {
    }

    /** Counts since start, for the status page: by reason or by leg and reason. */
    public record EventCounts(Map<String, Long> tunnelsClosed, Map<String, Long> peerDeaths,
                              Map<String, Long> clientsRefused, Map<String, Long> handshakes) {
    }

    public record FlowStatus(long bytes, long buffered, long peakBuffered) {
        static FlowStatus of(Flow f) {
            return new FlowStatus(f.forwarded(), f.buffered(), f.peakBuffered());
        }
    }

    public record TunnelStatus(long id, String client, String backend, String opened, FlowStatus upstream, FlowStatus downstream) {
        static TunnelStatus of(TunnelStats t) {
            return new TunnelStatus(t.id(), t.client().getAddress().getHostAddress() + ":" + t.client().getPort(),
                    t.backend().name(), t.opened().toString(),
                    FlowStatus.of(t.upstream()), FlowStatus.of(t.downstream()));
        }
    }

    // tag::capacity-status[]
    /**
     * The seed's arithmetic for this configuration: {@code formula} is how the total comes about
     * (e.g. {@code 3 endpoints x 8 = 24}); each endpoint has its own formula and counts. A count the
     * gateway cannot know (kernel mode without a readable port range) is -1.
     */
    public record CapacityStatus(String mode, String formula, SlotCounts total, List<EndpointStatus> endpoints,
                                 List<String> notes) {
        static CapacityStatus of(Capacity capacity) {
            return new CapacityStatus(capacity.mode().configName(), capacity.formula(),
                    capacity.total(),
                    capacity.endpoints().stream().map(EndpointStatus::of).toList(),
                    capacity.notes());
        }
    }

    public record EndpointStatus(String backend, String formula, SlotCounts slots) {
        static EndpointStatus of(UpstreamSlots s) {
            return new EndpointStatus(s.name(), s.formula(), s.counts());
        }
    }

    // end::capacity-status[]
}
