package dev.anchor.blocking;

import dev.anchor.conformance.ClientLeg;

/** The whole suite against the blocking gateway on platform threads, with TLS on the client leg. */
class BlockingPlatformThreadsTlsConformanceTest extends BlockingPlatformThreadsConformanceTest {
    @Override
    protected ClientLeg clientLeg() {
        return ClientLeg.TLS;
    }
}
