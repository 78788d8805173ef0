package dev.anchor.bench.peers;

import java.util.LinkedHashMap;
import java.util.Map;

/** The numbers one measurement produced, by name, in the order they were measured. */
final class Figures {
    private final Map<String, Double> values = new LinkedHashMap<>();

    Figures put(String name, double value) {
        values.put(name, value);
        return this;
    }

    Map<String, Double> asMap() {
        return values;
    }
}
