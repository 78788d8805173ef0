package dev.anchor.core.handshake;

import dev.anchor.core.http.HeaderField;
import dev.anchor.core.http.Headers;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Fields that describe one connection, not the message, and so stop at the gateway (RFC 9110
 * section 7.6.1): {@code Connection} itself, every field it names, and the few known ones that
 * older senders forget to name there.
 */
// tag::hop-by-hop[]
public final class HopByHop {
    private static final List<String> ALWAYS =
            List.of("connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade");

    private HopByHop() {
    }

    /** Matches the hop-by-hop fields of {@code headers}, including those its Connection lists. */
    public static Predicate<HeaderField> in(Headers headers) {
        return in(headers, List.of());
    }

    /** As {@link #in(Headers)}, but keeps the names in {@code keep} (lower case). */
    public static Predicate<HeaderField> in(Headers headers, List<String> keep) {
        Set<String> names = new HashSet<>(ALWAYS);
        names.addAll(headers.tokens("Connection"));
        names.removeAll(keep);
        return field -> names.contains(field.name().toLowerCase(Locale.ROOT));
    }
}
// end::hop-by-hop[]
