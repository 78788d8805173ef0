package dev.anchor.conformance;

import dev.anchor.conformance.targets.ProcessTarget;
import dev.anchor.conformance.targets.Target;
import java.nio.file.Path;

/** The whole suite against Debian's HAProxy, graded, each divergence checked against its expectations file. */
class HaproxyConformanceTest extends GatewayConformance {
    @Override
    protected Target target() {
        return ProcessTarget.of(Path.of("targets/haproxy/target.yaml"));
    }
}
