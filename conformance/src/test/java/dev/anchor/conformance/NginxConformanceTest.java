package dev.anchor.conformance;

import dev.anchor.conformance.targets.ProcessTarget;
import dev.anchor.conformance.targets.Target;
import java.nio.file.Path;

/** The whole suite against Debian's nginx, graded, each divergence checked against its expectations file. */
class NginxConformanceTest extends GatewayConformance {
    @Override
    protected Target target() {
        return ProcessTarget.of(Path.of("targets/nginx/target.yaml"));
    }
}
