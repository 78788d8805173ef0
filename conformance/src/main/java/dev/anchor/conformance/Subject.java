package dev.anchor.conformance;

import dev.anchor.core.gateway.GatewayProvider;
import java.util.Map;

/**
 * The gateway under test: how to start it, the name its results are filed under, and the rules it
 * does not meet yet, each with its reason (skipped by name, so the gap stays visible).
 */
public record Subject(String name, GatewayProvider provider, Map<Rule, String> unmet) {
    public Subject {
        unmet = Map.copyOf(unmet);
    }
}
