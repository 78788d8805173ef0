package dev.anchor.cli;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.GatewayProvider;
import dev.anchor.core.gateway.GatewayProviders;
import java.util.List;

/** Finds an implementation by name, and says clearly when this build does not have it. */
final class Implementations {
    private Implementations() {
    }

    static GatewayProvider find(String name) {
        return find(name, GatewayProviders.available());
    }

    /** {@code name} among {@code available}, the implementations a build has. */
    static GatewayProvider find(String name, List<GatewayProvider> available) {
        List<String> built = available.stream().map(GatewayProvider::name).toList();
        return available.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> new UnknownImplementationException(
                GatewayConfig.IMPLEMENTATIONS.contains(name)
                        ? "the '" + name + "' implementation is not built yet; this build has " + built
                        : "there is no implementation called '" + name + "'; choose one of " + built));
    }

    /** The strongest implementation this build has: the one the demo uses by default. */
    static String preferred() {
        List<GatewayProvider> built = GatewayProviders.available();
        if (built.isEmpty()) {
            throw new UnknownImplementationException("this build contains no gateway implementation");
        }
        return built.stream().map(GatewayProvider::name).filter(n -> n.equals("netty")).findFirst()
                .orElse(built.get(0).name());
    }
}
