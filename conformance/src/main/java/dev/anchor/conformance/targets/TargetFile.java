package dev.anchor.conformance.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anchor.conformance.Capability;
import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.ConfigValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A target file: everything the suite needs to judge a gateway it did not build. Paths inside it
 * are relative to the file's folder. docs/conformance shows a worked example;
 * {@code conformance/targets/} holds the shipped ones.
 *
 * <pre>{@code
 * name: nginx
 * implementation: nginx                  # what its /status names itself, where it has one; name by default
 * requires: [nginx]                      # programs that must be on PATH, else every rule is skipped
 * capabilities: [healthz, idle-timeout]  # see Capability
 * files: {nginx.conf: nginx.conf.mustache}   # rendered per fixture into a fresh folder, {{dir}}
 * command: [nginx, -p, "{{dir}}", -c, "{{dir}}/nginx.conf", -g, "daemon off;"]
 * ready: {timeout: 10s}                  # until the listen port accepts
 * stop: {timeout: 5s}                    # SIGTERM, then SIGKILL after this long
 *                                        # (signals: [TERM, INT] sends each in turn, for a gateway whose
 *                                        # SIGTERM drains and whose second signal stops at once)
 * expectations: nginx.expectations.yaml
 * strict: false                          # true: held to every rule, as Anchor's own are
 * }</pre>
 */
public record TargetFile(Path file, String name, String implementation, List<String> requires, Set<Capability> capabilities,
                         Map<String, Path> templates, List<String> command, Duration readyTimeout,
                         Duration stopTimeout, List<String> stopSignals, Expectations expectations, boolean strict) {
    /** The signals a fixture may stop a gateway with; the suite sends them with kill(1). */
    static final List<String> SIGNALS = List.of("TERM", "INT", "QUIT", "HUP", "USR1", "USR2");

    public static TargetFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("", "no target file at " + file.toAbsolutePath());
        }
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new ConfigException("", "a target file is a YAML mapping with name, command and files").in(file.toString());
        }
        Path folder = file.toAbsolutePath().getParent();
        try {
            String name = text(root, "name");
            String implementation = root.hasNonNull("implementation") ? root.get("implementation").asText() : name;
            List<String> requires = list(root, "requires", false);
            Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
            List<String> caps = list(root, "capabilities", false);
            for (int i = 0; i < caps.size(); i++) {
                try {
                    capabilities.add(Capability.ofKey(caps.get(i)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("capabilities[" + i + "]", e.getMessage());
                }
            }
            Map<String, Path> templates = new LinkedHashMap<>();
            JsonNode files = root.get("files");
            if (files != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    Path template = folder.resolve(e.getValue().asText());
                    if (!Files.isReadable(template)) {
                        throw ConfigException.invalid("files." + e.getKey(), e.getValue().asText(),
                                "a template file next to the target file");
                    }
                    templates.put(e.getKey(), template);
                }
            }
            List<String> command = list(root, "command", true);
            Duration ready = duration(root, "ready", Duration.ofSeconds(10));
            Duration stop = duration(root, "stop", Duration.ofSeconds(5));
            List<String> stopSignals = root.path("stop").has("signals") ? list(root.get("stop"), "signals", true) : List.of("TERM");
            for (int i = 0; i < stopSignals.size(); i++) {
                if (!SIGNALS.contains(stopSignals.get(i))) {
                    throw ConfigException.invalid("stop.signals[" + i + "]", stopSignals.get(i), "one of " + SIGNALS);
                }
            }
            Expectations expectations = root.hasNonNull("expectations")
                    ? Expectations.read(folder.resolve(root.get("expectations").asText()))
                    : Expectations.NONE;
            boolean strict = root.path("strict").asBoolean(false);
            return new TargetFile(file, name, implementation, requires, capabilities, templates, command, ready, stop,
                    stopSignals, expectations, strict);
        } catch (ConfigException e) {
            throw e.getMessage().startsWith(file.toString()) ? e : e.in(file.toString());
        }
    }

    private static String text(JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || !v.isValueNode() || v.asText().isBlank()) {
            throw new ConfigException(key, "missing");
        }
        return v.asText();
    }

    private static List<String> list(JsonNode root, String key, boolean required) {
        JsonNode v = root.get(key);
        if (v == null) {
            if (required) {
                throw new ConfigException(key, "missing: a list such as [program, arg, ...]");
            }
            return List.of();
        }
        if (!v.isArray() || (required && v.isEmpty())) {
            throw ConfigException.invalid(key, v, "a list such as [a, b]");
        }
        List<String> out = new ArrayList<>();
        v.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    private static Duration duration(JsonNode root, String section, Duration otherwise) {
        JsonNode v = root.path(section).get("timeout");
        return v == null ? otherwise : ConfigValues.duration(section + ".timeout", v.asText());
    }
}
