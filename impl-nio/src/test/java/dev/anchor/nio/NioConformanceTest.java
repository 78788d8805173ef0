package dev.anchor.nio;

import dev.anchor.conformance.GatewayConformance;
import dev.anchor.core.gateway.GatewayProvider;

/** The whole suite against the selector gateway. */
class NioConformanceTest extends GatewayConformance {
    @Override
    protected GatewayProvider provider() {
        return new NioGatewayProvider();
    }
}
