package dev.anchor.blocking;

import dev.anchor.conformance.GatewayConformance;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.ThreadKind;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.io.IOException;

/** The whole suite again with {@code blocking.threads: platform}: the same code on classic threads. */
class BlockingPlatformThreadsConformanceTest extends GatewayConformance {
    @Override
    protected GatewayProvider provider() {
        return new GatewayProvider() {
            @Override
            public String name() {
                return "blocking";
            }

            @Override
            public Gateway start(GatewayConfig config) throws IOException {
                return BlockingGateway.start(config.toBuilder().blockingThreads(ThreadKind.PLATFORM).build());
            }
        };
    }

    @Override
    protected String name() {
        return "blocking-platform";
    }
}
