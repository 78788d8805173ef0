package dev.anchor.blocking;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.ThreadKind;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.io.IOException;

/** The blocking gateway with {@code blocking.threads: platform}, whatever the suite's configuration says. */
public final class PlatformThreadsProvider implements GatewayProvider {
    @Override
    public String name() {
        return "blocking";
    }

    @Override
    public Gateway start(GatewayConfig config) throws IOException {
        return BlockingGateway.start(config.toBuilder().blockingThreads(ThreadKind.PLATFORM).build());
    }
}
