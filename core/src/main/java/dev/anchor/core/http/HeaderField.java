package dev.anchor.core.http;

import java.util.Objects;

/** One field line of an HTTP head, with the name spelled as it arrived. */
public record HeaderField(String name, String value) {
    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public boolean is(String otherName) {
        return name.equalsIgnoreCase(otherName);
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
