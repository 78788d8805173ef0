package dev.anchor.core.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The field lines of a head, in arrival order. Names compare case-insensitively; repeated fields
 * are kept as separate lines because a proxy must not merge what it does not understand.
 */
public final class Headers {
    private static final Headers EMPTY = new Headers(List.of());

    private final List<HeaderField> fields;

    private Headers(List<HeaderField> fields) {
        this.fields = fields;
    }

    public static Headers of(List<HeaderField> fields) {
        return fields.isEmpty() ? EMPTY : new Headers(List.copyOf(fields));
    }

    public static Headers empty() {
        return EMPTY;
    }

    public List<HeaderField> fields() {
        return fields;
    }

    public int size() {
        return fields.size();
    }

    public Optional<String> first(String name) {
        for (HeaderField f : fields) {
            if (f.is(name)) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    public List<String> all(String name) {
        List<String> values = new ArrayList<>(2);
        for (HeaderField f : fields) {
            if (f.is(name)) {
                values.add(f.value());
            }
        }
        return values;
    }

    public int count(String name) {
        int n = 0;
        for (HeaderField f : fields) {
            if (f.is(name)) {
                n++;
            }
        }
        return n;
    }

    public boolean contains(String name) {
        return count(name) > 0;
    }

    // tag::token-list[]
    /**
     * The comma-separated elements of every field line called {@code name}, trimmed and lower-cased,
     * empty elements dropped (RFC 9110 section 5.6.1). {@code Connection: keep-alive, Upgrade}
     * yields {@code [keep-alive, upgrade]}; so does the same sent as two field lines. A comma inside
     * a quoted string (an extension parameter, say) does not split an element.
     */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>(4);
        for (HeaderField f : fields) {
            if (f.is(name)) {
                splitList(f.value(), tokens);
            }
        }
        return tokens;
    }
    // end::token-list[]

    private static void splitList(String value, List<String> into) {
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\') {
                i++; // a quoted-pair: the next character is literal
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                addElement(value.substring(start, i), into);
                start = i + 1;
            }
        }
        addElement(value.substring(Math.min(start, value.length())), into);
    }

    private static void addElement(String element, List<String> into) {
        String e = element.strip();
        if (!e.isEmpty()) {
            into.add(e.toLowerCase(Locale.ROOT));
        }
    }

    public boolean hasToken(String name, String token) {
        return tokens(name).contains(token.toLowerCase(Locale.ROOT));
    }

    public Headers without(Predicate<HeaderField> drop) {
        List<HeaderField> kept = new ArrayList<>(fields.size());
        for (HeaderField f : fields) {
            if (!drop.test(f)) {
                kept.add(f);
            }
        }
        return kept.size() == fields.size() ? this : new Headers(Collections.unmodifiableList(kept));
    }

    public Headers with(String name, String value) {
        List<HeaderField> more = new ArrayList<>(fields.size() + 1);
        more.addAll(fields);
        more.add(new HeaderField(name, value));
        return new Headers(Collections.unmodifiableList(more));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
