package dev.anchor.conformance;

import dev.anchor.conformance.targets.Target;
import dev.anchor.core.gateway.GatewayProvider;
import java.util.Map;

/**
 * The gateway under test: the target that starts it, the name its results are filed under, the
 * rules it does not meet yet, each with its reason (skipped by name, so the gap stays visible), and
 * what its client leg speaks.
 */
public record Subject(String name, Target target, Map<Rule, String> unmet, ClientLeg leg) {
    public Subject {
        unmet = Map.copyOf(unmet);
    }

    /** A subject whose clients speak plain TCP. */
    public Subject(String name, Target target, Map<Rule, String> unmet) {
        this(name, target, unmet, ClientLeg.PLAIN);
    }

    /** The Java provider, for the rules that start the gateway in a child JVM (they need {@link Capability#JAVA_PROVIDER}). */
    public GatewayProvider provider() {
        return target.javaProvider().orElseThrow(() -> new IllegalStateException(
                name + " is not a Java GatewayProvider; a rule that needs one declares " + Capability.JAVA_PROVIDER));
    }
}
