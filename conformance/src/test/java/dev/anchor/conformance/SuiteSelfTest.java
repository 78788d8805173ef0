package dev.anchor.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;

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
import dev.anchor.conformance.selftest.Bug;
import dev.anchor.conformance.selftest.MiniGateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Events;

/**
 * The suite tests itself: a gateway with a known bug must fail the rule that names the bug, by that
 * rule's own assertion, and the same gateway without it must pass that rule, so the failure is the
 * bug's and nothing else's. The bugs and their rules are {@link Bug}'s catalogue. The TLS rules run
 * against the mini gateway with TLS on its client leg; and the whole suite runs over TLS against
 * the mini gateway without a bug, which is how the suite's own TLS plumbing is proven before any
 * implementation terminates TLS.
 *
 * <p>{@link Bug#TLS_ALLOWS_1_1} needs a JVM in which a server can speak TLS 1.1 at all:
 * {@link LegacyTlsForTheSelfTest} makes this module's test JVM one.
 */
class SuiteSelfTest {

    // tag::self-test[]
    @TestFactory
    Stream<DynamicTest> eachBugFailsItsRule() {
        return Arrays.stream(Bug.values())
                .filter(bug -> bug != Bug.NONE && RuleExtension.selection().includes(bug.caughtBy()))
                .flatMap(bug -> Stream.of(
                        DynamicTest.dynamicTest("without a bug, " + bug.caughtBy().id() + " passes",
                                () -> expect(Bug.NONE, bug.caughtBy(), true)),
                        DynamicTest.dynamicTest(bug + " fails " + bug.caughtBy().id(),
                                () -> expect(bug, bug.caughtBy(), false))));
    }
    // end::self-test[]

    private static void expect(Bug bug, Rule rule, boolean pass) {
        Events tests = run(bug, rule);
        long started = tests.started().count();
        if (started != 1) {
            throw new AssertionError(rule.id() + " did not run exactly once against " + bug + ": " + started);
        }
        if (pass && tests.succeeded().count() != 1) {
            throw new AssertionError(rule.id() + " should pass without a bug, but: " + failures(tests));
        }
        if (!pass && tests.failed().count() != 1) {
            throw new AssertionError(rule.id() + " should fail against " + bug + " but passed");
        }
        if (!pass) {
            Throwable why = tests.failed().stream()
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

    private static Events run(Bug bug, Rule rule) {
        MiniSuite.planted = bug;
        Class<?> suite = ClientLeg.PLAIN.excludes(rule).isPresent() ? MiniTlsSuite.class : MiniSuite.class;
        EngineExecutionResults results = org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
                // a planted bug's verdicts are not conformance results: they stay out of the matrix
                .configurationParameter(ResultLog.RESULTS, "target/conformance-selftest")
                .selectors(selectNestedMethod(List.of(suite), groupClass(rule), testMethod(rule).getName()))
                .execute();
        return results.testEvents();
    }

    /**
     * Every rule over TLS against the mini gateway without a bug: each passes, or is skipped by name
     * with its reason (the rules {@link ClientLeg#TLS} does not judge, and those this machine or the
     * mini gateway cannot run), and nothing fails.
     */
    @Test
    void theWholeSuiteHoldsOverTls() {
        MiniSuite.planted = Bug.NONE;
        Events tests = org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
                .configurationParameter(ResultLog.RESULTS, "target/conformance-selftest")
                .selectors(selectClass(MiniTlsSuite.class))
                .execute()
                .testEvents();
        List<String> failed = failures(tests);
        System.out.printf("the suite over TLS against the mini gateway: %d passed, %d skipped, %d aborted, %d failed%n",
                tests.succeeded().count(), tests.skipped().count(), tests.aborted().count(), failed.size());
        tests.skipped().stream()
                .map(ev -> ev.getTestDescriptor().getDisplayName().replaceAll(" .*", "") + ": "
                        + ev.getPayload().map(Object::toString).orElse(""))
                .filter(line -> !line.endsWith("not selected by anchor.conformance.rules"))
                .forEach(line -> System.out.println("  skipped " + line));
        tests.aborted().stream()
                .map(ev -> ev.getTestDescriptor().getDisplayName().replaceAll(" .*", "") + ": "
                        + ev.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                                .map(Throwable::getMessage).orElse(""))
                .forEach(line -> System.out.println("  aborted " + line));
        if (!failed.isEmpty()) {
            throw new AssertionError(failed.size() + " rules failed over TLS against the mini gateway:\n"
                    + String.join("\n", failed));
        }
    }

    private static List<String> failures(Events tests) {
        return tests.failed().stream().map(ev -> ev.getTestDescriptor().getDisplayName() + ": "
                + ev.getPayload().map(Object::toString).orElse("")).toList();
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
            case "HB" -> HeartbeatRules.class;
            case "CAP" -> CapacityRules.class;
            case "DRAIN" -> DrainRules.class;
            case "RELOAD" -> ReloadRules.class;
            case "HEALTH" -> HealthRules.class;
            case "TLS" -> TlsRules.class;
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
            case "DRAIN" -> GatewayConformance.Drain.class;
            case "RELOAD" -> GatewayConformance.Reload.class;
            case "HEALTH" -> GatewayConformance.Health.class;
            case "TLS" -> GatewayConformance.Tls.class;
            default -> throw new IllegalArgumentException(rule.group());
        };
    }

    /** The suite against the mini gateway, with whichever bug is planted for the run at hand. */
    static class MiniSuite extends GatewayConformance {
        static volatile Bug planted = Bug.NONE;

        @Override
        protected GatewayProvider provider() {
            return MiniGateway.provider(planted);
        }
    }

    /** The same, with TLS on the mini gateway's client leg. */
    static class MiniTlsSuite extends MiniSuite {
        @Override
        protected ClientLeg clientLeg() {
            return ClientLeg.TLS;
        }
    }
}
