package dev.anchor.conformance;

import dev.anchor.conformance.tls.RunCa;
import dev.anchor.core.config.GatewayConfig;
import java.util.Map;
import java.util.Optional;

/**
 * What the client leg of a run speaks: plain TCP, or TLS ({@code listen.tls}). A target runs the
 * whole suite once per leg it offers, each a subclass of a few lines that names its leg in
 * {@link GatewayConformance#clientLeg()}. The rules are written once: every client the fixture
 * makes speaks the run's leg, and every gateway it starts listens on it.
 *
 * <p>A rule that cannot be judged on a leg is skipped there by name, with the reason: the TLS
 * rules on a plaintext leg, and over TLS the rules {@link #TLS} lists.
 */
public enum ClientLeg {
    PLAIN(""),
    /**
     * TLS on the client leg, with certificates from the run's own authority ({@link RunCa}). The
     * bytes the rules write and read are those inside TLS; a half-close is close_notify and FIN
     * (TLS 1.3), a reset is still a bare RST.
     */
    TLS("-tls");

    /**
     * The rules not judged over TLS, each with the reason. Empty while every rule holds over TLS
     * against the suite's own mini gateway: a rule goes here only with a reason TLS itself gives.
     */
    static final Map<Rule, String> NOT_OVER_TLS = Map.of();

    private final String suffix;

    ClientLeg(String suffix) {
        this.suffix = suffix;
    }

    /** What a target's name gets for a run on this leg: {@code nio-tls}. */
    public String suffix() {
        return suffix;
    }

    /** Why {@code rule} is not judged on this leg, or empty if it is. */
    public Optional<String> excludes(Rule rule) {
        if (this == PLAIN && rule.group().equals("TLS")) {
            return Optional.of("the TLS rules run where the client leg is TLS (a target's TLS variant)");
        }
        if (this == TLS) {
            return Optional.ofNullable(NOT_OVER_TLS.get(rule)).map(why -> "not judged over TLS: " + why);
        }
        return Optional.empty();
    }

    /**
     * The configuration a gateway of this leg starts with: {@code config} itself, or over TLS with
     * {@code listen.tls} presenting the run's loopback certificate, unless the rule chose certificates.
     */
    GatewayConfig configure(GatewayConfig config) {
        if (this == PLAIN || config.listenTls().enabled()) {
            return config;
        }
        return config.toBuilder().listenTls(RunCa.get().listen()).build();
    }
}
