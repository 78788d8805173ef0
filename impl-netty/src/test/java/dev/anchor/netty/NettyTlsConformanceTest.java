package dev.anchor.netty;

import dev.anchor.conformance.ClientLeg;

/** The whole suite against the Netty gateway on the best transport here, with TLS on the client leg. */
class NettyTlsConformanceTest extends NettyConformanceTest {
    @Override
    protected ClientLeg clientLeg() {
        return ClientLeg.TLS;
    }
}
