package dev.anchor.blocking;

import dev.anchor.conformance.GatewayConformance;
import dev.anchor.core.gateway.GatewayProvider;

/** The whole suite against the blocking gateway on virtual threads. */
class BlockingConformanceTest extends GatewayConformance {
    @Override
    protected GatewayProvider provider() {
        return new BlockingGatewayProvider();
    }
}
