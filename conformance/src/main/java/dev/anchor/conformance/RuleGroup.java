package dev.anchor.conformance;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base of every group of rules: holds the subject and gives each test a fresh {@link Fixture},
 * closed (and checked for leaks) after it.
 */
@ExtendWith(RuleExtension.class)
@DisplayNameGeneration(RuleDisplayNames.class)
@TestMethodOrder(MethodOrderer.MethodName.class)
public abstract class RuleGroup {
    private final Subject subject;
    protected Fixture fx;

    protected RuleGroup(Subject subject) {
        this.subject = subject;
    }

    public final Subject subject() {
        return subject;
    }

    @BeforeEach
    final void openFixture(TestInfo test) {
        fx = new Fixture(subject, test.getTestMethod().map(m -> m.getAnnotation(Conforms.class))
                .map(Conforms::value).orElse(null));
    }

    @AfterEach
    final void closeFixture() {
        fx.close();
    }
}
