package dev.anchor.core.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The source ports of {@code upstream.ports}: {@code 40000-40999}, or a single port. Ports below
 * 1024 are refused: binding them needs privileges a gateway should not run with.
 */
public record PortRange(int low, int high) {
    public static final int LOWEST = 1024;
    static final String FORM = "a port such as 40000, or a range lowest-highest such as 40000-40999, within "
            + LOWEST + "..65535";
    private static final Pattern RANGE = Pattern.compile("([0-9]{1,5})(?:\\s*-\\s*([0-9]{1,5}))?");

    public PortRange {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("not a port range: " + low + "-" + high);
        }
    }

    public static PortRange parse(String key, String text) {
        Matcher m = RANGE.matcher(text.strip());
        if (!m.matches()) {
            throw ConfigException.invalid(key, text, FORM);
        }
        int low = Integer.parseInt(m.group(1));
        int high = m.group(2) == null ? low : Integer.parseInt(m.group(2));
        if (low < LOWEST || high > 65535) {
            throw ConfigException.invalid(key, text, FORM);
        }
        if (low > high) {
            throw ConfigException.invalid(key, text, FORM + " (lowest first)");
        }
        return new PortRange(low, high);
    }

    public int count() {
        return high - low + 1;
    }

    public boolean overlaps(int otherLow, int otherHigh) {
        return low <= otherHigh && otherLow <= high;
    }

    @Override
    public String toString() {
        return low == high ? Integer.toString(low) : low + "-" + high;
    }
}
