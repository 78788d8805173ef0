package dev.anchor.bench;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.config.ThreadKind;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProviders;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.echo.EchoOptions;
import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark talks to: an echo server, either directly ({@code direct}, the upper bound) or
 * through a gateway of the named implementation.
 */
final class Target implements AutoCloseable {
    private final EchoServer echo;
    private final Gateway gateway;

    /**
     * {@code direct}, or an implementation's name; {@code blocking-platform} is the blocking
     * gateway on platform threads instead of virtual ones. {@code heartbeat} is the gateway's
     * {@code heartbeat.mode}, {@code off} or {@code ping}, with the default interval and timeout.
     */
    Target(String name, String heartbeat) throws IOException, InterruptedException {
        echo = EchoServer.start(EchoOptions.loopback());
        if (name.equals("direct")) {
            gateway = null;
            return;
        }
        boolean platform = name.equals("blocking-platform");
        String implementation = platform ? "blocking" : name;
        GatewayConfig config = GatewayConfig.builder()
                .implementation(implementation)
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .route("/", BalancerKind.ROUND_ROBIN, List.of(echo.address()))
                .blockingThreads(platform ? ThreadKind.PLATFORM : ThreadKind.VIRTUAL)
                .heartbeat(HeartbeatConfig.Mode.valueOf(heartbeat.toUpperCase(Locale.ROOT)),
                        HeartbeatConfig.Leg.DEFAULT, HeartbeatConfig.Leg.DEFAULT)
                .build();
        gateway = GatewayProviders.find(implementation)
                .orElseThrow(() -> new IllegalArgumentException("no implementation " + implementation + " in this build"))
                .start(config);
    }

    InetSocketAddress address() {
        return gateway == null ? echo.address() : gateway.address();
    }

    /**
     * Tunnels the gateway counts as open, by its own accounting; for {@code direct}, the echo
     * server's connections. Once every client has closed, anything but 0 (after the closes have
     * had time to travel) is a tunnel the gateway lost track of.
     */
    int openTunnels() {
        return gateway == null ? echo.openConnections() : gateway.status().tunnels();
    }

    /** Connections the echo server holds: with a gateway, one per tunnel it keeps upstream. */
    int backendConnections() {
        return echo.openConnections();
    }

    /**
     * Empties the echo server's record of the upgrade requests it accepted: up to a thousand, 1.3
     * to 1.9 KB each, which a reading of the heap would otherwise count as the gateway's.
     */
    void forgetHandshakes() {
        echo.forgetHandshakes();
    }

    @Override
    public void close() {
        if (gateway != null) {
            gateway.close();
        }
        echo.close();
    }
}
