package dev.anchor.netty;

import dev.anchor.conformance.ClientLeg;

/** The whole suite on Netty's NIO transport, with TLS on the client leg. */
class NettyNioTlsConformanceTest extends NettyNioConformanceTest {
    @Override
    protected ClientLeg clientLeg() {
        return ClientLeg.TLS;
    }
}
