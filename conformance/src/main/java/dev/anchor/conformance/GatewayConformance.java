package dev.anchor.conformance;

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
import dev.anchor.conformance.targets.InProcessTarget;
import dev.anchor.conformance.targets.Target;
import dev.anchor.core.gateway.GatewayProvider;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;

/**
 * The conformance suite. An implementation runs every rule with a subclass that says how to start
 * it:
 *
 * <pre>{@code
 * class BlockingConformanceTest extends GatewayConformance {
 *     protected GatewayProvider provider() { return new BlockingGatewayProvider(); }
 * }
 * }</pre>
 *
 * A gateway that is not Java code is a process described by a target file; its subclass overrides
 * {@link #target()} instead, or {@code anchor conform --target FILE} runs {@link TargetFileConformance}.
 *
 * The same rules run again with TLS on the client leg from a subclass of that one which says so:
 *
 * <pre>{@code
 * class BlockingTlsConformanceTest extends BlockingConformanceTest {
 *     protected ClientLeg clientLeg() { return ClientLeg.TLS; }
 * }
 * }</pre>
 *
 * The groups run in order, SETUP first, so a wiring fault shows as a SETUP failure rather than as
 * fifty protocol failures.
 */
// tag::suite[]
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
public abstract class GatewayConformance {

    /** Starts the gateway under test, in this JVM, from a configuration the suite writes. */
    protected GatewayProvider provider() {
        throw new IllegalStateException(getClass().getName() + " overrides neither provider() nor target()");
    }

    /** The gateway under test and what it declares; by default {@link #provider()} in this JVM. */
    protected Target target() {
        return new InProcessTarget(name(), provider());
    }

    /** Rules not met yet, each with its reason: they are skipped by name, never hidden. */
    protected Map<Rule, String> unmet() {
        return Map.of();
    }

    /** The name results are filed under; defaults to the provider's. A TLS run's gets {@code -tls}. */
    protected String name() {
        return provider().name();
    }

    /**
     * What the clients speak to the gateway: plain TCP, or TLS, every gateway then listening with
     * {@code listen.tls} (a target that runs TLS declares {@link Capability#TLS}).
     */
    protected ClientLeg clientLeg() {
        return ClientLeg.PLAIN;
    }

    /** Every rule, unmet for one reason: a variant that cannot run yet is skipped rule by rule, by name. */
    protected static Map<Rule, String> everyRule(String reason) {
        return Arrays.stream(Rule.values()).collect(Collectors.toMap(Function.identity(), r -> reason));
    }

    private Subject subject() {
        Target target = target();
        ClientLeg leg = clientLeg();
        return new Subject(target.name() + leg.suffix(), target, unmet(), leg);
    }

    @Nested @Order(1) @DisplayName("SETUP")
    class Setup extends SetupRules {
        Setup() {
            super(GatewayConformance.this.subject());
        }
    }

    @Nested @Order(2) @DisplayName("UPG")
    class Upgrade extends UpgradeRules {
        Upgrade() {
            super(GatewayConformance.this.subject());
        }
    }
    // end::suite[]

    @Nested @Order(3) @DisplayName("TUN")
    class Tunnel extends TunnelRules {
        Tunnel() {
            super(GatewayConformance.this.subject());
        }
    }

    @Nested @Order(4) @DisplayName("ERR")
    class Errors extends ErrorRules {
        Errors() {
            super(GatewayConformance.this.subject());
        }
    }

    @Nested @Order(5) @DisplayName("ISO")
    class Isolation extends IsolationRules {
        Isolation() {
            super(GatewayConformance.this.subject());
        }
    }

    @Nested @Order(6) @DisplayName("HB")
    class Heartbeats extends HeartbeatRules {
        Heartbeats() {
            super(GatewayConformance.this.subject());
        }
    }

    @Nested @Order(7) @DisplayName("CAP")
    class Capacity extends CapacityRules {
        Capacity() {
            super(GatewayConformance.this.subject());
        }
    }

    @Nested @Order(8) @DisplayName("DRAIN")
    class Drain extends DrainRules {
        Drain() {
            super(GatewayConformance.this.subject());
        }
    }

    @Nested @Order(9) @DisplayName("RELOAD")
    class Reload extends ReloadRules {
        Reload() {
            super(GatewayConformance.this.subject());
        }
    }

    @Nested @Order(10) @DisplayName("HEALTH")
    class Health extends HealthRules {
        Health() {
            super(GatewayConformance.this.subject());
        }
    }

    @Nested @Order(11) @DisplayName("TLS")
    class Tls extends TlsRules {
        Tls() {
            super(GatewayConformance.this.subject());
        }
    }
}
