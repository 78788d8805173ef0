package dev.anchor.cli;

import dev.anchor.conformance.GatewayConformance;
import dev.anchor.conformance.targets.ProcessTarget;
import dev.anchor.conformance.targets.Target;
import java.nio.file.Path;

/** The whole suite against the nio gateway started by {@code anchor run} from the packaged jar, held to every rule. */
class AnchorRunNioConformanceIT extends GatewayConformance {
    @Override
    protected Target target() {
        return ProcessTarget.of(Path.of("../conformance/targets/anchor/nio.yaml"));
    }
}
