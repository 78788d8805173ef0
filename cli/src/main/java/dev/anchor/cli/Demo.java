package dev.anchor.cli;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.UpstreamSource;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.echo.EchoOptions;
import dev.anchor.echo.EchoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A running demo: echo backends on loopback and a gateway routing every path to them. */
final class Demo implements AutoCloseable {
    private final List<EchoServer> backends;
    private final Gateway gateway;

    private Demo(List<EchoServer> backends, Gateway gateway) {
        this.backends = backends;
        this.gateway = gateway;
    }

    static Demo start(String implementation, int port, int backendCount) throws Exception {
        return start(implementation, port, backendCount, UpstreamSource.KERNEL);
    }

    /** The same, with the gateway's upstream connections sourced as {@code upstream} says: kernel ports or a pool. */
    static Demo start(String implementation, int port, int backendCount, UpstreamSource upstream) throws Exception {
        if (backendCount < 1 || backendCount > 64) {
            throw new IllegalArgumentException("--backends must be 1..64, got " + backendCount);
        }
        var provider = Implementations.find(implementation);
        List<EchoServer> backends = new ArrayList<>();
        try {
            for (int i = 0; i < backendCount; i++) {
                backends.add(EchoServer.start(EchoOptions.loopback()));
            }
            GatewayConfig config = GatewayConfig.builder()
                    .implementation(implementation)
                    .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                    .route("/", BalancerKind.ROUND_ROBIN, backends.stream().map(EchoServer::address).toList())
                    .upstreamSource(upstream)
                    .build();
            return new Demo(backends, provider.start(config));
        } catch (Exception e) {
            backends.forEach(EchoServer::close);
            throw e;
        }
    }

    String implementation() {
        return gateway.implementation();
    }

    String host() {
        return gateway.address().getAddress().getHostAddress() + ":" + gateway.address().getPort();
    }

    String url(String path) {
        return "ws://" + host() + path;
    }

    int backendCount() {
        return backends.size();
    }

    List<String> backendAddresses() {
        return backends.stream().map(b -> b.address().getAddress().getHostAddress() + ":" + b.address().getPort()).toList();
    }

    List<EchoServer> backends() {
        return List.copyOf(backends);
    }

    Gateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        gateway.close();
        backends.forEach(EchoServer::close);
    }
}
