package dev.anchor.conformance;

import java.io.EOFException;
import java.lang.reflect.Method;
import java.net.SocketTimeoutException;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * Applies the catalogue to each test: skips a rule its implementation declared unmet (with the
 * reason, so it shows), turns a failed optional rule into a visible "not met" instead of a broken
 * build, and files every verdict in the {@link ResultLog}.
 */
public final class RuleExtension implements ExecutionCondition, BeforeTestExecutionCallback,
        AfterTestExecutionCallback, TestExecutionExceptionHandler, TestWatcher {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RuleExtension.class);
    private static final String START = "start";
    private static final String MILLIS = "millis";
    private static final String NOT_MET = "notMet";

    /** {@code -Danchor.conformance.rules=UPG,TUN-05}: run only these groups and rules. */
    static final RuleSelection SELECTION = RuleSelection.parse(System.getProperty("anchor.conformance.rules", ""));

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Rule> rule = rule(context);
        Optional<Subject> subject = subject(context);
        if (rule.isEmpty() || subject.isEmpty()) {
            return ConditionEvaluationResult.enabled("not a rule test");
        }
        if (!SELECTION.includes(rule.get())) {
            return ConditionEvaluationResult.disabled(rule.get().id() + " not selected by anchor.conformance.rules");
        }
        String reason = subject.get().unmet().get(rule.get());
        return reason == null
                ? ConditionEvaluationResult.enabled(rule.get().id() + " applies")
                : ConditionEvaluationResult.disabled(rule.get().id() + " not met by " + subject.get().name() + ": " + reason);
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
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        failure = asVerdict(failure);
        Optional<Rule> rule = rule(context);
        if (rule.isPresent() && rule.get().strength() == Strength.OPTIONAL
                && !(failure instanceof TestAbortedException)) {
            context.getStore(NS).put(NOT_MET, Boolean.TRUE);
            throw new TestAbortedException("optional rule " + rule.get().id() + " not met: " + failure, failure);
        }
        throw failure;
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
        boolean notMet = Boolean.TRUE.equals(context.getStore(NS).get(NOT_MET, Boolean.class));
        record(context, notMet ? Verdict.NOT_MET : Verdict.SKIPPED, String.valueOf(cause.getMessage()));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        if (rule(context).map(SELECTION::includes).orElse(true)) {
            record(context, Verdict.SKIPPED, reason.orElse(""));
        }
    }

    private static void record(ExtensionContext context, Verdict verdict, String detail) {
        Optional<Rule> rule = rule(context);
        Optional<String> name = subject(context).map(Subject::name)
                .or(() -> context.getParent().flatMap(RuleExtension::subjectName));
        if (rule.isEmpty() || name.isEmpty()) {
            return;
        }
        Long millis = context.getStore(NS).get(MILLIS, Long.class);
        log(context).add(name.get(), rule.get(), verdict, detail, millis == null ? 0 : millis);
    }

    private static ResultLog log(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(ResultLog.class, k -> new ResultLog(), ResultLog.class);
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

    /** A disabled test has no instance; its subject's name is found through the suite class. */
    private static Optional<String> subjectName(ExtensionContext context) {
        return context.getTestInstance()
                .filter(RuleGroup.class::isInstance)
                .map(i -> ((RuleGroup) i).subject().name())
                .or(() -> context.getParent().flatMap(RuleExtension::subjectName));
    }
}
