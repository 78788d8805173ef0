package dev.anchor.bench.peers;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A checked-in configuration with {@code {{name}}} holes, filled with this run's ports and folder. */
final class ConfigTemplate {
    private static final Pattern HOLE = Pattern.compile("\\{\\{([a-zA-Z]+)}}");

    private ConfigTemplate() {
    }

    /** Fills every hole; a hole with no value is an error, so a renamed key cannot pass unnoticed. */
    static String render(String template, Map<String, String> values) {
        Matcher m = HOLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }
}
