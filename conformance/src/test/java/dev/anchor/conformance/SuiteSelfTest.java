package dev.anchor.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;

import dev.anchor.conformance.MiniGateway.Bug;
import dev.anchor.conformance.rules.ErrorRules;
import dev.anchor.conformance.rules.IsolationRules;
import dev.anchor.conformance.rules.SetupRules;
import dev.anchor.conformance.rules.TunnelRules;
import dev.anchor.conformance.rules.UpgradeRules;
import dev.anchor.core.gateway.GatewayProvider;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The suite tests itself: a gateway with a known bug must fail the rule that names the bug, and the
 * same gateway without it must pass that rule, so the failure is the bug's and nothing else's.
 */
class SuiteSelfTest {

    /** Each bug and the rule that must catch it. */
    private static final Map<Bug, Rule> CAUGHT_BY = Map.of(
            Bug.EARLY_101, Rule.UPG_02,
            Bug.KEEPS_HOP_BY_HOP, Rule.UPG_05,
            Bug.NO_FORWARDED_FOR, Rule.UPG_07,
            Bug.DROPS_TAIL, Rule.TUN_10,
            Bug.UNBOUNDED_BUFFER, Rule.TUN_11,
            Bug.FIN_FOR_RST, Rule.TUN_07,
            Bug.IGNORES_POOL, Rule.CAP_01);

    @TestFactory
    Stream<DynamicTest> eachBugFailsItsRule() {
        return CAUGHT_BY.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .flatMap(e -> Stream.of(
                        DynamicTest.dynamicTest("without the bug, " + e.getValue().id() + " passes",
                                () -> expect(Bug.NONE, e.getValue(), true)),
                        DynamicTest.dynamicTest(e.getKey() + " fails " + e.getValue().id(),
                                () -> expect(e.getKey(), e.getValue(), false))));
    }

    private static void expect(Bug bug, Rule rule, boolean pass) {
        Class<? extends GatewayConformance> suite = switch (bug) {
            case NONE -> Correct.class;
            case EARLY_101 -> Early101.class;
            case DROPS_TAIL -> DropsTail.class;
            case UNBOUNDED_BUFFER -> Unbounded.class;
            case KEEPS_HOP_BY_HOP -> KeepsHopByHop.class;
            case FIN_FOR_RST -> FinForRst.class;
            case NO_FORWARDED_FOR -> NoForwardedFor.class;
            case IGNORES_POOL -> IgnoresPool.class;
        };
        Class<?> group = groupClass(rule);
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectNestedMethod(List.of(suite), group, testMethod(rule).getName()))
                .execute();
        var stats = results.testEvents();
        long started = stats.started().count();
        long succeeded = stats.succeeded().count();
        long failed = stats.failed().count();
        if (started != 1) {
            throw new AssertionError(rule.id() + " did not run exactly once against " + bug + ": " + started);
        }
        if (pass && succeeded != 1) {
            throw new AssertionError(rule.id() + " should pass without a bug, but: "
                    + stats.failed().stream().map(ev -> ev.getPayload().map(Object::toString).orElse("")).toList());
        }
        if (!pass && failed != 1) {
            throw new AssertionError(rule.id() + " should fail against " + bug + " but passed");
        }
        if (!pass) {
            Throwable why = stats.failed().stream()
                    .map(ev -> ev.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable))
                    .flatMap(Optional::stream)
                    .findFirst()
                    .orElseThrow();
            // the rule's own assertion must catch the bug: not a crash, not the leak check at teardown
            if (!(why instanceof AssertionError) || String.valueOf(why.getMessage()).startsWith("test teardown")) {
                throw new AssertionError(rule.id() + " failed against " + bug + " for another reason", why);
            }
        }
    }

    static Method testMethod(Rule rule) {
        return Arrays.stream(groupBase(rule).getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Conforms.class) && m.getAnnotation(Conforms.class).value() == rule)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no test for " + rule.id()));
    }

    static Class<? extends RuleGroup> groupBase(Rule rule) {
        return switch (rule.group()) {
            case "SETUP" -> SetupRules.class;
            case "UPG" -> UpgradeRules.class;
            case "TUN" -> TunnelRules.class;
            case "ERR" -> ErrorRules.class;
            case "ISO" -> IsolationRules.class;
            case "HB" -> dev.anchor.conformance.rules.HeartbeatRules.class;
            case "CAP" -> dev.anchor.conformance.rules.CapacityRules.class;
            default -> throw new IllegalArgumentException(rule.group());
        };
    }

    private static Class<?> groupClass(Rule rule) {
        return switch (rule.group()) {
            case "SETUP" -> GatewayConformance.Setup.class;
            case "UPG" -> GatewayConformance.Upgrade.class;
            case "TUN" -> GatewayConformance.Tunnel.class;
            case "ERR" -> GatewayConformance.Errors.class;
            case "ISO" -> GatewayConformance.Isolation.class;
            case "HB" -> GatewayConformance.Heartbeats.class;
            case "CAP" -> GatewayConformance.Capacity.class;
            default -> throw new IllegalArgumentException(rule.group());
        };
    }

    abstract static class MiniSuite extends GatewayConformance {
        private final Bug bug;

        MiniSuite(Bug bug) {
            this.bug = bug;
        }

        @Override
        protected GatewayProvider provider() {
            return MiniGateway.provider(bug);
        }
    }

    static class Correct extends MiniSuite {
        Correct() {
            super(Bug.NONE);
        }
    }

    static class Early101 extends MiniSuite {
        Early101() {
            super(Bug.EARLY_101);
        }
    }

    static class DropsTail extends MiniSuite {
        DropsTail() {
            super(Bug.DROPS_TAIL);
        }
    }

    static class Unbounded extends MiniSuite {
        Unbounded() {
            super(Bug.UNBOUNDED_BUFFER);
        }
    }

    static class KeepsHopByHop extends MiniSuite {
        KeepsHopByHop() {
            super(Bug.KEEPS_HOP_BY_HOP);
        }
    }

    static class IgnoresPool extends MiniSuite {
        IgnoresPool() {
            super(Bug.IGNORES_POOL);
        }
    }

    static class FinForRst extends MiniSuite {
        FinForRst() {
            super(Bug.FIN_FOR_RST);
        }
    }

    static class NoForwardedFor extends MiniSuite {
        NoForwardedFor() {
            super(Bug.NO_FORWARDED_FOR);
        }
    }
}
