package dev.anchor.conformance;

import dev.anchor.conformance.targets.ProcessTarget;
import dev.anchor.conformance.targets.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The whole suite against the gateway a target file describes, named by the system property
 * {@value #PROPERTY}: what {@code anchor conform --target FILE} runs, with no Java code from the
 * gateway's author. {@value #LEG_PROPERTY}{@code =tls} runs it with TLS on the client leg, for a
 * target that declares {@code tls} and renders {@code listen.tls} in its templates.
 */
public class TargetFileConformance extends GatewayConformance {
    public static final String PROPERTY = "anchor.conformance.target";
    public static final String LEG_PROPERTY = "anchor.conformance.clientLeg";

    @Override
    protected ClientLeg clientLeg() {
        String leg = System.getProperty(LEG_PROPERTY, "plain");
        try {
            return ClientLeg.valueOf(leg.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(LEG_PROPERTY + " is '" + leg + "'; it is plain or tls", e);
        }
    }

    @Override
    protected Target target() {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("set -D" + PROPERTY + "=FILE to the target file to judge");
        }
        try {
            return ProcessTarget.read(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the target file " + file, e);
        }
    }
}
