package dev.anchor.nio;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.io.IOException;

public final class NioGatewayProvider implements GatewayProvider {
    @Override
    public String name() {
        return "nio";
    }

    @Override
    public Gateway start(GatewayConfig config) throws IOException {
        return NioGateway.start(config);
    }
}
