package dev.anchor.netty;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty reported a leaked buffer while it ran. Registered for every test
 * class of this module (automatic extension registration, see junit-platform.properties), so its
 * class initialiser installs {@link LeakWatch} before any test touches a buffer.
 */
// tag::no-leaks[]
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {
    static {
        LeakWatch.install();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new IllegalStateException("these tests track every buffer: run them with "
                    + "-Dio.netty.leakDetection.level=paranoid (the module's pom does)");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass().getEnclosingClass() == null) { // once, after the outermost class
            check(context.getDisplayName());
        }
    }

    /** Throws if any leak was reported since the last check. */
    static void check(String during) {
        LeakWatch.collect();
        List<String> leaks = LeakWatch.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer leak(s) reported by Netty during " + during
                    + "; the first:\n" + leaks.get(0));
        }
    }
}
// end::no-leaks[]
