package dev.anchor.echo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * @param bind          where to listen; port 0 picks a free one
 * @param threads       event-loop threads
 * @param subprotocols  subprotocols it will select from a client's offer; empty selects none
 * @param maxFrameBytes the largest frame payload it accepts
 */
public record EchoOptions(InetSocketAddress bind, int threads, List<String> subprotocols, int maxFrameBytes) {
    public EchoOptions {
        subprotocols = List.copyOf(subprotocols);
    }

    public static EchoOptions loopback() {
        return new EchoOptions(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1,
                List.of("anchor.v1", "anchor.v2"), 64 << 20);
    }

    public EchoOptions withBind(InetSocketAddress address) {
        return new EchoOptions(address, threads, subprotocols, maxFrameBytes);
    }

    public EchoOptions withThreads(int n) {
        return new EchoOptions(bind, n, subprotocols, maxFrameBytes);
    }
}
