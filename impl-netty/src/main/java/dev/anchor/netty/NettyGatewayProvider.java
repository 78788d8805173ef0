package dev.anchor.netty;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.io.IOException;

public final class NettyGatewayProvider implements GatewayProvider {
    @Override
    public String name() {
        return "netty";
    }

    @Override
    public Gateway start(GatewayConfig config) throws IOException {
        return NettyGateway.start(config);
    }
}
