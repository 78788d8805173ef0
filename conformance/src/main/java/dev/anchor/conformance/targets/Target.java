package dev.anchor.conformance.targets;

import dev.anchor.conformance.Capability;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * A gateway the suite can judge: how to start one for a fixture's configuration, what it declares
 * it can do, and what it is expected to break. Anchor's implementations are targets in the same
 * JVM ({@link InProcessTarget}); anything else, Anchor through {@code anchor run} included, is a
 * process described by a target file ({@link ProcessTarget}).
 */
public interface Target {

    /** The name its results are filed under. */
    String name();

    /** What {@link Gateway#implementation()} answers for a gateway this target started. */
    String implementation();

    Set<Capability> capabilities();

    /**
     * Whether a broken SHOULD or an open design choice is graded (NON-STRICT, INFORMATIONAL) rather
     * than failed: true for other gateways, false for Anchor's own, which meet every rule.
     */
    boolean graded();

    /** Where it is expected to diverge from the rules, each with its source. */
    Expectations expectations();

    /** Why it cannot run on this machine at all (a program not installed), or empty. */
    Optional<String> unavailable();

    /** The Java provider, for rules that run the gateway in a child JVM of their own. */
    Optional<GatewayProvider> javaProvider();

    /** Starts a gateway for this configuration; it accepts clients when this returns. */
    Gateway start(GatewayConfig config) throws IOException;

    /**
     * The connections a gateway still holds, in words, or empty if it holds none: for an outside
     * process, its sockets other than listeners; for one of Anchor's, its own counts.
     */
    Optional<String> held(Gateway gateway);
}
