package dev.anchor.netty;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.io.IOException;

/** The Netty gateway on Netty's NIO transport, the fallback where epoll is not available, whatever this host has. */
public final class NioTransportProvider implements GatewayProvider {
    @Override
    public String name() {
        return "netty";
    }

    @Override
    public Gateway start(GatewayConfig config) throws IOException {
        return NettyGateway.start(config, Transport.nio());
    }
}
