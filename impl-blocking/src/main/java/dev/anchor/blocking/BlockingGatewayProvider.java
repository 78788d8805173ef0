package dev.anchor.blocking;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.io.IOException;

public final class BlockingGatewayProvider implements GatewayProvider {
    @Override
    public String name() {
        return "blocking";
    }

    @Override
    public Gateway start(GatewayConfig config) throws IOException {
        return BlockingGateway.start(config);
    }
}
