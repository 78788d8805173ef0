package dev.anchor.core.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A snapshot of a running gateway, served as JSON at {@code /status} and read by the conformance
 * suite to check the gateway's own accounting.
 *
 * @param transport the I/O transport underneath, for an implementation that has a choice of them
 *                  ({@code epoll} or {@code nio} for Netty); null, and absent from the JSON, otherwise
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
        @JsonInclude(JsonInclude.Include.NON_NULL) String transport) {

    /** A status without a transport: the implementation has only one. */
    public GatewayStatus(String implementation, String listen, long uptimeMillis, int clientConnections,
                         int upstreamConnections, int tunnels, List<BackendStatus> backends,
                         List<TunnelStatus> tunnelList) {
        this(implementation, listen, uptimeMillis, clientConnections, upstreamConnections, tunnels, backends,
                tunnelList, null);
    }

    public record BackendStatus(String backend, int connections) {
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
}
