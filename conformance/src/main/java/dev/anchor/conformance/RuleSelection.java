package dev.anchor.conformance;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which rules a run is asked for: a comma-separated list of groups ({@code HB}) and rule ids
 * ({@code TUN-05}); empty means all. A name that is neither is refused, so a typo cannot quietly
 * select nothing.
 */
public record RuleSelection(List<String> names) {
    public static final RuleSelection ALL = new RuleSelection(List.of());

    public static RuleSelection parse(String text) {
        List<String> names = Arrays.stream(text.split(","))
                .map(s -> s.trim().toUpperCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .toList();
        for (String n : names) {
            boolean known = Arrays.stream(Rule.values()).anyMatch(r -> r.id().equals(n) || r.group().equals(n));
            if (!known) {
                throw new IllegalArgumentException("no rule or group named '" + n + "' (a list like UPG,TUN-05)");
            }
        }
        return new RuleSelection(names);
    }

    public boolean includes(Rule rule) {
        return names.isEmpty() || names.contains(rule.id()) || names.contains(rule.group());
    }
}
