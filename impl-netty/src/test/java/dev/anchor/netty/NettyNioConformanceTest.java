package dev.anchor.netty;

import dev.anchor.conformance.GatewayConformance;
import dev.anchor.core.gateway.GatewayProvider;

/** The whole suite again on Netty's NIO transport, the fallback where epoll is not available. */
class NettyNioConformanceTest extends GatewayConformance {
    @Override
    protected GatewayProvider provider() {
        return new NioTransportProvider();
    }

    @Override
    protected String name() {
        return "netty-nio";
    }
}
