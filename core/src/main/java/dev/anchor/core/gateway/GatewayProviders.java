package dev.anchor.core.gateway;

import dev.anchor.core.config.GatewayConfig;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The implementations on the class path. */
public final class GatewayProviders {
    private GatewayProviders() {
    }

    public static List<GatewayProvider> available() {
        return ServiceLoader.load(GatewayProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted((a, b) -> Integer.compare(order(a.name()), order(b.name())))
                .toList();
    }

    public static Optional<GatewayProvider> find(String name) {
        return available().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static int order(String name) {
        int i = GatewayConfig.IMPLEMENTATIONS.indexOf(name);
        return i < 0 ? Integer.MAX_VALUE : i;
    }
}
