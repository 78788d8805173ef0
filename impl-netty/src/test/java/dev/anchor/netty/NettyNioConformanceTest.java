package dev.anchor.netty;

import dev.anchor.conformance.GatewayConformance;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.io.IOException;

/** The whole suite again on Netty's NIO transport, the fallback where epoll is not available. */
class NettyNioConformanceTest extends GatewayConformance {
    @Override
    protected GatewayProvider provider() {
        return new GatewayProvider() {
            @Override
            public String name() {
                return "netty";
            }

            @Override
            public Gateway start(GatewayConfig config) throws IOException {
                return NettyGateway.start(config, Transport.nio());
            }
        };
    }

    @Override
    protected String name() {
        return "netty-nio";
    }
}
