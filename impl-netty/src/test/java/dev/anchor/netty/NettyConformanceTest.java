package dev.anchor.netty;

import dev.anchor.conformance.GatewayConformance;
import dev.anchor.core.gateway.GatewayProvider;

/** The whole suite against the Netty gateway on the best transport here (epoll on Linux). */
class NettyConformanceTest extends GatewayConformance {
    @Override
    protected GatewayProvider provider() {
        return new NettyGatewayProvider();
    }
}
