package dev.anchor.core.gateway;

import dev.anchor.core.config.GatewayConfig;
import java.io.IOException;

/**
 * How an implementation is found and started; each module registers one in
 * {@code META-INF/services/dev.anchor.core.gateway.GatewayProvider}.
 */
public interface GatewayProvider {

    /** The name a configuration and {@code anchor run --impl} use. */
    String name();

    /** Binds the listen address and starts accepting; the gateway is ready when this returns. */
    Gateway start(GatewayConfig config) throws IOException;
}
