package dev.anchor.blocking;

import dev.anchor.conformance.ClientLeg;

/** The whole suite against the blocking gateway on virtual threads, with TLS on the client leg. */
class BlockingTlsConformanceTest extends BlockingConformanceTest {
    @Override
    protected ClientLeg clientLeg() {
        return ClientLeg.TLS;
    }
}
