package dev.anchor.nio;

import dev.anchor.conformance.ClientLeg;

/** The whole suite against the selector gateway, with TLS on the client leg. */
class NioTlsConformanceTest extends NioConformanceTest {
    @Override
    protected ClientLeg clientLeg() {
        return ClientLeg.TLS;
    }
}
