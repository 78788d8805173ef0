package dev.anchor.conformance.report;

import dev.anchor.conformance.Basis;
import dev.anchor.conformance.Capability;
import dev.anchor.conformance.ClientLeg;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.Strength;
import dev.anchor.conformance.selftest.Bug;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the AsciiDoc the docs build includes, derived from the catalogue itself, so that no page
 * states a count or a list the code does not: {@code catalogue-attributes.adoc} (how many rules,
 * of which strength and basis, how many planted bugs) and {@code rules.adoc} (every rule, its
 * strength, what it rests on, the capabilities it needs and the bug that proves it can fail, or
 * that none does yet), {@code capabilities.adoc} and {@code not-over-tls.adoc} (the rules a run with
 * TLS on the client leg skips, and why).
 */
public final class CataloguePages {
    private CataloguePages() {
    }

    /** {@code args[0]}: the folder to write into. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/generated-docs");
        Files.createDirectories(out);
        Files.writeString(out.resolve("catalogue-attributes.adoc"), attributes(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("rules.adoc"), rules(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("capabilities.adoc"), capabilities(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("not-over-tls.adoc"), notOverTls(), StandardCharsets.UTF_8);
    }

    static String attributes() {
        Map<Rule, List<Bug>> bugs = bugsByRule();
        StringBuilder sb = new StringBuilder("// generated from Rule and Bug by CataloguePages: do not edit\n");
        sb.append(":rule-count: ").append(Rule.values().length).append('\n');
        for (Strength s : Strength.values()) {
            sb.append(":rule-count-").append(s.label()).append(": ").append(count(s)).append('\n');
        }
        for (Basis.Kind k : Basis.Kind.values()) {
            sb.append(":rule-count-basis-").append(k.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append(": ")
                    .append(Arrays.stream(Rule.values()).filter(r -> r.basis().kind() == k).count()).append('\n');
        }
        sb.append(":rule-count-needing-nothing: ")
                .append(Arrays.stream(Rule.values()).filter(r -> r.needs().isEmpty()).count()).append('\n');
        sb.append(":rule-groups: ").append(Arrays.stream(Rule.values()).map(Rule::group).distinct().count()).append('\n');
        sb.append(":bug-count: ").append(Bug.values().length - 1).append('\n');
        sb.append(":rules-with-bug: ").append(bugs.size()).append('\n');
        sb.append(":rules-without-bug: ").append(Rule.values().length - bugs.size()).append('\n');
        sb.append(":rule-count-tls-group: ").append(Arrays.stream(Rule.values()).filter(r -> r.group().equals("TLS")).count())
                .append('\n');
        return sb.toString();
    }

    /** The rules a run with TLS on the client leg skips, each with its reason; a sentence if there are none. */
    static String notOverTls() {
        StringBuilder sb = new StringBuilder("// generated from ClientLeg by CataloguePages: do not edit\n");
        List<Rule> skipped = Arrays.stream(Rule.values()).filter(r -> ClientLeg.TLS.excludes(r).isPresent()).toList();
        if (skipped.isEmpty()) {
            return sb.append("Every rule is judged over TLS.\n").toString();
        }
        sb.append("[cols=\"1,6\",options=\"header\"]\n|===\n| rule | why it is not judged over TLS\n\n");
        for (Rule r : skipped) {
            sb.append("| <<").append(r.id()).append(">> | ").append(escape(ClientLeg.TLS.excludes(r).orElseThrow())).append('\n');
        }
        return sb.append("|===\n").toString();
    }

    static String rules() {
        Map<Rule, List<Bug>> bugs = bugsByRule();
        StringBuilder sb = new StringBuilder("// generated from Rule and Bug by CataloguePages: do not edit\n");
        String group = null;
        for (Rule r : Rule.values()) {
            if (!r.group().equals(group)) {
                if (group != null) {
                    sb.append("|===\n\n");
                }
                group = r.group();
                sb.append("=== ").append(group).append("\n\n")
                        .append("[cols=\"1,1,5,4,2,3\",options=\"header\"]\n|===\n")
                        .append("| rule | strength | statement | rests on | needs | a broken gateway it fails\n\n");
            }
            List<Bug> caught = bugs.getOrDefault(r, List.of());
            sb.append("| [[").append(r.id()).append("]]").append(r.id())
                    .append(" | ").append(r.strength().label())
                    .append(" | ").append(escape(r.statement()))
                    .append(" | ").append(escape(r.basis().text()))
                    .append(" | ").append(r.needs().isEmpty() ? "-" : r.needs().stream().sorted()
                            .map(c -> "`" + c.key() + "`").collect(Collectors.joining(", ")))
                    .append(" | ").append(caught.isEmpty() ? "_none yet_" : caught.stream()
                            .map(b -> "`" + b.name() + "`: " + escape(b.what()))
                            .collect(Collectors.joining(" +\n")))
                    .append('\n');
        }
        return sb.append("|===\n").toString();
    }

    static String capabilities() {
        StringBuilder sb = new StringBuilder("// generated from Capability and Rule by CataloguePages: do not edit\n")
                .append("[cols=\"2,5,1\",options=\"header\"]\n|===\n| capability | what the target does | rules needing it\n\n");
        for (Capability c : Capability.values()) {
            sb.append("| `").append(c.key()).append("` | ").append(escape(c.meaning())).append(" | ")
                    .append(Arrays.stream(Rule.values()).filter(r -> r.needs().contains(c)).count()).append('\n');
        }
        return sb.append("|===\n").toString();
    }

    private static Map<Rule, List<Bug>> bugsByRule() {
        Map<Rule, List<Bug>> byRule = new EnumMap<>(Rule.class);
        for (Bug b : Bug.values()) {
            if (b.caughtBy() != null) {
                byRule.computeIfAbsent(b.caughtBy(), k -> new java.util.ArrayList<>()).add(b);
            }
        }
        return byRule;
    }

    private static long count(Strength s) {
        return Arrays.stream(Rule.values()).filter(r -> r.strength() == s).count();
    }

    /** A table cell: a '|' would end it. */
    private static String escape(String text) {
        return text.replace("|", "\\|");
    }
}
