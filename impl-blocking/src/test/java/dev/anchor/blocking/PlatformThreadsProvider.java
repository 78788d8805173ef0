package dev.anchor.blocking;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.ThreadKind;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.RuntimeGateway;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The blocking gateway with {@code blocking.threads: platform}, whatever the suite's configuration
 * says: at start, and in every reload, which must not read as a change of a start-only key.
 */
public final class PlatformThreadsProvider implements dev.anchor.core.gateway.GatewayProvider {
    @Override
    public String name() {
        return "blocking";
    }

    @Override
    public Gateway start(GatewayConfig config) throws IOException {
        return new OnPlatformThreads(BlockingGateway.start(platform(config)));
    }

    private static GatewayConfig platform(GatewayConfig config) {
        return config.toBuilder().blockingThreads(ThreadKind.PLATFORM).build();
    }

    private record OnPlatformThreads(BlockingGateway gateway) implements RuntimeGateway {
        @Override
        public GatewayRuntime runtime() {
            return gateway.runtime();
        }

        @Override
        public InetSocketAddress address() {
            return gateway.address();
        }

        @Override
        public void reload(GatewayConfig next) {
            gateway.reload(platform(next));
        }

        @Override
        public void close() {
            gateway.close();
        }
    }
}
