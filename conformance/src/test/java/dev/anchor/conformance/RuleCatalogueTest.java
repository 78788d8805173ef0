package dev.anchor.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.conformance.rules.CapacityRules;
import dev.anchor.conformance.rules.DrainRules;
import dev.anchor.conformance.rules.ErrorRules;
import dev.anchor.conformance.rules.HealthRules;
import dev.anchor.conformance.rules.HeartbeatRules;
import dev.anchor.conformance.rules.IsolationRules;
import dev.anchor.conformance.rules.ReloadRules;
import dev.anchor.conformance.rules.SetupRules;
import dev.anchor.conformance.rules.TlsRules;
import dev.anchor.conformance.rules.TunnelRules;
import dev.anchor.conformance.rules.UpgradeRules;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalogue and the tests agree: one test per rule, each in its group, named for its rule. */
class RuleCatalogueTest {
    private static final List<Class<? extends RuleGroup>> GROUPS =
            List.of(SetupRules.class, UpgradeRules.class, TunnelRules.class, ErrorRules.class, IsolationRules.class,
                    HeartbeatRules.class, CapacityRules.class, DrainRules.class, ReloadRules.class, HealthRules.class,
                    TlsRules.class);

    @Test
    void everyRuleHasExactlyOneTestInItsGroup() {
        Map<Rule, Method> tests = new EnumMap<>(Rule.class);
        for (Class<? extends RuleGroup> group : GROUPS) {
            for (Method m : group.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(org.junit.jupiter.api.Test.class)) {
                    continue;
                }
                Conforms c = m.getAnnotation(Conforms.class);
                assertThat(c).as("%s.%s names no rule", group.getSimpleName(), m.getName()).isNotNull();
                Method earlier = tests.put(c.value(), m);
                assertThat(earlier).as("%s tested twice", c.value().id()).isNull();
                assertThat(SuiteSelfTest.groupBase(c.value())).as("group of %s", c.value().id()).isEqualTo(group);
                String prefix = c.value().name().replace("_", "").toLowerCase(Locale.ROOT) + "_";
                assertThat(m.getName()).as("method name carries its rule id").startsWith(prefix);
            }
        }
        assertThat(tests.keySet()).containsExactlyInAnyOrder(Rule.values());
    }

    @Test
    void atLeastThirtyRulesAcrossTheFirstGroups() {
        assertThat(Rule.values()).hasSizeGreaterThanOrEqualTo(30);
        assertThat(Arrays.stream(Rule.values()).map(Rule::group).distinct())
                .containsExactly("SETUP", "UPG", "TUN", "ERR", "ISO", "HB", "CAP", "DRAIN", "RELOAD", "HEALTH", "TLS");
    }

    @Test
    void everyRuleSaysWhatItRestsOn() {
        for (Rule r : Rule.values()) {
            assertThat(r.basis().source()).as(r.id()).isNotBlank();
            if (r.basis().kind() == Basis.Kind.MUST || r.basis().kind() == Basis.Kind.SHOULD) {
                assertThat(r.basis().source()).as("%s rests on an RFC, so it names one", r.id()).contains("RFC");
            }
        }
        assertThat(Rule.ERR_21.basis().kind()).as("dot-segments: the issue's own example of a design choice")
                .isEqualTo(Basis.Kind.OPEN);
        assertThat(Rule.UPG_17.basis().whenBroken()).as("RFC 9110 section 15.2: a proxy MUST forward 1xx")
                .isEqualTo(Verdict.FAIL);
    }

    @Test
    void theTlsRulesNeedTlsAndRunOnlyOverIt() {
        for (Rule r : Rule.values()) {
            boolean tlsGroup = r.group().equals("TLS");
            assertThat(r.needs().contains(Capability.TLS)).as("%s needs tls", r.id()).isEqualTo(tlsGroup);
            assertThat(ClientLeg.PLAIN.excludes(r).isPresent()).as("%s is skipped on a plaintext leg", r.id()).isEqualTo(tlsGroup);
            if (tlsGroup) {
                assertThat(ClientLeg.TLS.excludes(r)).as("%s runs over TLS", r.id()).isEmpty();
            }
        }
        ClientLeg.NOT_OVER_TLS.forEach((rule, why) -> assertThat(why).as("why %s is not judged over TLS", rule.id()).isNotBlank());
    }

    @Test
    void titlesCarryIdAndStrength() {
        assertThat(Rule.UPG_03.title()).startsWith("UPG-03 required: ");
    }
}
