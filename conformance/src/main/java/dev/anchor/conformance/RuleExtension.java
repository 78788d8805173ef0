package dev.anchor.conformance;

import dev.anchor.conformance.targets.Expectations;
import dev.anchor.conformance.targets.Target;
import java.io.EOFException;
import java.lang.reflect.Method;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * Applies the catalogue to each test and grades it, as Autobahn grades its cases. A rule the
 * subject declared unmet is skipped with its reason, and so is one its client leg cannot judge
 * ({@link ClientLeg#excludes}); one needing a capability its target does not declare is
 * UNSUPPORTED. Anchor's own implementations must pass every rule. Another gateway that
 * breaks a rule gets the grade of the rule's basis: FAIL for a MUST or a required design choice,
 * NON-STRICT for a SHOULD, INFORMATIONAL where the RFCs leave the behaviour open. A FAIL its
 * expectations file lists, with a source, is recorded and does not break the build; any other
 * FAIL does, and so does a listed FAIL that passes. Every verdict is filed in the {@link ResultLog}.
 */
public final class RuleExtension implements ExecutionCondition, BeforeTestExecutionCallback,
        AfterTestExecutionCallback, TestExecutionExceptionHandler, TestWatcher {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RuleExtension.class);
    private static final String START = "start";
    private static final String MILLIS = "millis";
    private static final String GRADE = "grade";
    static final String UNSUPPORTED = "unsupported: ";

    /** {@code -Danchor.conformance.rules=UPG,TUN-05}: run only these groups and rules (read at each use, for anchor conform). */
    static RuleSelection selection() {
        return RuleSelection.parse(System.getProperty("anchor.conformance.rules", ""));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Rule> rule = rule(context);
        Optional<Subject> subject = subject(context);
        if (rule.isEmpty() || subject.isEmpty()) {
            return ConditionEvaluationResult.enabled("not a rule test");
        }
        if (!selection().includes(rule.get())) {
            return ConditionEvaluationResult.disabled(rule.get().id() + " not selected by anchor.conformance.rules");
        }
        String reason = subject.get().unmet().get(rule.get());
        if (reason != null) {
            return ConditionEvaluationResult.disabled(rule.get().id() + " not met by " + subject.get().name() + ": " + reason);
        }
        Optional<String> offLeg = subject.get().leg().excludes(rule.get());
        if (offLeg.isPresent()) {
            return ConditionEvaluationResult.disabled(rule.get().id() + " " + offLeg.get());
        }
        Target target = subject.get().target();
        Optional<String> unavailable = target.unavailable();
        if (unavailable.isPresent()) {
            return ConditionEvaluationResult.disabled(subject.get().name() + " cannot run here: " + unavailable.get());
        }
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        missing.addAll(rule.get().needs());
        if (subject.get().leg() == ClientLeg.TLS) {
            missing.add(Capability.TLS); // every rule of a TLS run starts its gateway with listen.tls
        }
        missing.removeAll(target.capabilities());
        return missing.isEmpty()
                ? ConditionEvaluationResult.enabled(rule.get().id() + " applies")
                : ConditionEvaluationResult.disabled(UNSUPPORTED + subject.get().name() + " does not declare "
                        + missing.stream().map(Capability::key).collect(Collectors.joining(", ")));
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        context.getStore(NS).put(START, System.nanoTime());
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        Long start = context.getStore(NS).get(START, Long.class);
        if (start != null) {
            context.getStore(NS).put(MILLIS, (System.nanoTime() - start) / 1_000_000);
        }
        Optional<Rule> rule = rule(context);
        Optional<Subject> subject = subject(context);
        if (rule.isPresent() && subject.isPresent() && context.getExecutionException().isEmpty()
                && rule.get().strength() != Strength.STOCHASTIC) {
            subject.get().target().expectations().of(rule.get())
                    .filter(d -> d.verdict() == Verdict.FAIL)
                    .ifPresent(d -> {
                        throw new AssertionError(rule.get().id() + " passed, but the expectations of "
                                + subject.get().name() + " list it as FAIL (" + d.why() + "): correct the expectations");
                    });
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        failure = asVerdict(failure);
        Optional<Rule> rule = rule(context);
        Optional<Subject> subject = subject(context);
        if (failure instanceof TestAbortedException aborted && aborted.getMessage() != null
                && aborted.getMessage().startsWith(UNSUPPORTED)) {
            context.getStore(NS).put(GRADE, Verdict.UNSUPPORTED);
            throw failure;
        }
        // only a rule's own verdict is graded; anything else is a fault to see, not a grade
        if (rule.isEmpty() || subject.isEmpty() || !subject.get().target().graded()
                || !(failure instanceof AssertionError)) {
            throw failure;
        }
        Verdict grade = rule.get().basis().whenBroken();
        Optional<Expectations.Divergence> expected = subject.get().target().expectations().of(rule.get());
        if (grade == Verdict.FAIL && expected.filter(d -> d.verdict() == Verdict.FAIL).isEmpty()) {
            throw failure;
        }
        context.getStore(NS).put(GRADE, grade);
        String why = expected.map(d -> " (as expected: " + d.why() + "; " + d.source() + ")").orElse("");
        throw new TestAbortedException(grade.label() + why + ": " + failure.getMessage(), failure);
    }

    /**
     * A peer that waited its deadline for the gateway, or whose stream ended before what the rule
     * expected, has found the rule broken: that is the rule's verdict, not a crash of the suite.
     */
    private static Throwable asVerdict(Throwable failure) {
        if (failure instanceof SocketTimeoutException) {
            return new AssertionError("the gateway did not do what the rule expects within the suite's deadline ("
                    + failure.getMessage() + ")", failure);
        }
        if (failure instanceof EOFException) {
            return new AssertionError("the gateway ended the stream before what the rule expects had arrived", failure);
        }
        return failure;
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, Verdict.PASS, "");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, Verdict.FAIL, String.valueOf(cause));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        Verdict grade = context.getStore(NS).get(GRADE, Verdict.class);
        record(context, grade == null ? Verdict.SKIPPED : grade, String.valueOf(cause.getMessage()));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        if (rule(context).map(selection()::includes).orElse(true)) {
            String why = reason.orElse("");
            record(context, why.startsWith(UNSUPPORTED) ? Verdict.UNSUPPORTED : Verdict.SKIPPED, why);
        }
    }

    private static void record(ExtensionContext context, Verdict verdict, String detail) {
        Optional<Rule> rule = rule(context);
        Optional<Subject> subject = subject(context).or(() -> context.getParent().flatMap(RuleExtension::subjectOf));
        if (rule.isEmpty() || subject.isEmpty()) {
            return;
        }
        Long millis = context.getStore(NS).get(MILLIS, Long.class);
        boolean expected = subject.get().target().expectations().of(rule.get()).isPresent();
        log(context).add(subject.get().name(), rule.get(), verdict, detail, millis == null ? 0 : millis, expected);
    }

    private static ResultLog log(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(ResultLog.class, k -> new ResultLog(
                Path.of(context.getConfigurationParameter(ResultLog.RESULTS).orElse("target/conformance"))), ResultLog.class);
    }

    private static Optional<Rule> rule(ExtensionContext context) {
        return context.getTestMethod().map(RuleExtension::conforms).map(Conforms::value);
    }

    private static Conforms conforms(Method m) {
        return m.getAnnotation(Conforms.class);
    }

    private static Optional<Subject> subject(ExtensionContext context) {
        return context.getTestInstance()
                .filter(RuleGroup.class::isInstance)
                .map(i -> ((RuleGroup) i).subject());
    }

    /** A disabled test has no instance; its subject is found through the suite class. */
    private static Optional<Subject> subjectOf(ExtensionContext context) {
        return context.getTestInstance()
                .filter(RuleGroup.class::isInstance)
                .map(i -> ((RuleGroup) i).subject())
                .or(() -> context.getParent().flatMap(RuleExtension::subjectOf));
    }
}
