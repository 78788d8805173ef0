package dev.anchor.conformance.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.Verdict;
import dev.anchor.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where a target is documented to diverge from the rules: per rule, the verdict it gets, why, and
 * the source that says so (its documentation or its code). A FAIL the file does not list fails the
 * run, and so does a listed FAIL that passes: the file stays exactly true.
 */
public record Expectations(Map<Rule, Divergence> divergences) {
    public static final Expectations NONE = new Expectations(Map.of());

    /** @param source where the behaviour is documented or coded, so anyone can check it */
    public record Divergence(Verdict verdict, String why, String source) {
    }

    public Expectations {
        divergences = divergences.isEmpty() ? Map.of() : new EnumMap<>(divergences);
    }

    public Optional<Divergence> of(Rule rule) {
        return Optional.ofNullable(divergences.get(rule));
    }

    /** Reads {@code divergences: {TUN-05: {verdict: fail, why: ..., source: ...}}}, naming any bad key. */
    public static Expectations read(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        Map<Rule, Divergence> out = new EnumMap<>(Rule.class);
        JsonNode list = root == null ? null : root.get("divergences");
        if (list == null) {
            return NONE;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "divergences." + e.getKey();
            Rule rule = Arrays.stream(Rule.values()).filter(r -> r.id().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new ConfigException(key, "no rule with this id").in(file.toString()));
            String verdict = text(e.getValue(), "verdict", key, file);
            Verdict v;
            try {
                v = Verdict.valueOf(verdict.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException bad) {
                throw ConfigException.invalid(key + ".verdict", verdict, "fail, non-strict or informational")
                        .in(file.toString());
            }
            if (v != Verdict.FAIL && v != Verdict.NON_STRICT && v != Verdict.INFORMATIONAL) {
                throw ConfigException.invalid(key + ".verdict", verdict, "fail, non-strict or informational")
                        .in(file.toString());
            }
            out.put(rule, new Divergence(v, text(e.getValue(), "why", key, file), text(e.getValue(), "source", key, file)));
        }
        return new Expectations(out);
    }

    private static String text(JsonNode node, String field, String key, Path file) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ConfigException(key + "." + field, "missing: every divergence says its verdict, why and its source")
                    .in(file.toString());
        }
        return v.asText().strip();
    }
}
