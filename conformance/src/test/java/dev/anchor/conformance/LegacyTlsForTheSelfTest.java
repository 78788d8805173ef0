package dev.anchor.conformance;

import java.security.Security;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Lets a server in this module's test JVM speak TLS 1.0 and 1.1, as a gateway on another TLS stack
 * can, so that {@link dev.anchor.conformance.selftest.Bug#TLS_ALLOWS_1_1} can be planted and
 * {@code TLS-03} shown to fail on it. The JDK disables both versions for every socket of a JVM
 * through the security property {@code jdk.tls.disabledAlgorithms}, read once when TLS is first
 * used; no socket's parameters can lift it, for a server or a client. So this runs as the JUnit
 * launcher session opens, before any test has used TLS, and takes {@code TLSv1} and
 * {@code TLSv1.1} out of the JDK's own list, leaving every other entry (RC4, NULL, anonymous
 * suites...) as the JDK has it.
 *
 * <p>Nothing else depends on it. The mini gateway without the bug still refuses both versions,
 * because core's {@code ServerTls} enables TLS 1.2 and 1.3 alone, which is what {@code TLS-03}
 * holds every gateway to; the rule's client writes its hellos by hand, so it runs the same in the
 * implementations' JVMs, where the JDK's default stands.
 */
public final class LegacyTlsForTheSelfTest implements LauncherSessionListener {
    static final String PROPERTY = "jdk.tls.disabledAlgorithms";
    private static final Set<String> LIFTED = Set.of("TLSv1", "TLSv1.1");

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String disabled = Security.getProperty(PROPERTY);
        if (disabled != null) {
            Security.setProperty(PROPERTY, Arrays.stream(disabled.split(","))
                    .map(String::trim)
                    .filter(entry -> !LIFTED.contains(entry))
                    .collect(Collectors.joining(", ")));
        }
    }
}
