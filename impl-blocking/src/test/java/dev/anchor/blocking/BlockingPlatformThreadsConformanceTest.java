package dev.anchor.blocking;

import dev.anchor.conformance.GatewayConformance;
import dev.anchor.core.gateway.GatewayProvider;

/** The whole suite again with {@code blocking.threads: platform}: the same code on classic threads. */
class BlockingPlatformThreadsConformanceTest extends GatewayConformance {
    @Override
    protected GatewayProvider provider() {
        return new PlatformThreadsProvider();
    }

    @Override
    protected String name() {
        return "blocking-platform";
    }
}
