package dev.anchor.conformance.peers;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A response as a raw client read it: the head's exact bytes, its parts, and the body. */
public record RawResponse(byte[] head, int status, String reason, List<Map.Entry<String, String>> fields, byte[] body) {

    public Optional<String> field(String name) {
        return fields.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    public List<String> all(String name) {
        return fields.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return new String(head, StandardCharsets.ISO_8859_1).strip() + (body.length > 0 ? "\n\n" + bodyText() : "");
    }
}
