package dev.anchor.nio;

import dev.anchor.core.config.TcpOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Map;

/** What the selector gateway sets on its channels, and how it proves a source address is this host's. */
final class SocketOptions {
    private SocketOptions() {
    }

    /** A leg's {@code tcp.*} options (keepalive, its idle, interval and count), set on its channel. */
    @SuppressWarnings("unchecked")
    static void apply(SocketChannel channel, TcpOptions options) throws IOException {
        for (Map.Entry<SocketOption<?>, Object> e : options.socketOptions().entrySet()) {
            channel.setOption((SocketOption<Object>) e.getKey(), e.getValue());
        }
    }

    /** Binds a channel to {@code address} and lets it go: core's probe for the pool's source addresses. */
    static void probe(InetAddress address) throws IOException {
        try (SocketChannel c = SocketChannel.open()) {
            c.bind(new InetSocketAddress(address, 0));
        }
    }
}
