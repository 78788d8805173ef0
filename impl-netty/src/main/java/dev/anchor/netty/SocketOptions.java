package dev.anchor.netty;

import dev.anchor.core.config.TcpOptions;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * A leg's {@code tcp.*} configuration as channel options of the transport in use, and how the Netty
 * gateway proves a source address is this host's.
 */
final class SocketOptions {
    private SocketOptions() {
    }

    // tag::tcp-options[]
    /** Only the native transport can set TCP_USER_TIMEOUT; the JDK has no option for it. */
    static boolean userTimeoutSupported(Transport transport) {
        return transport.name().equals("epoll");
    }

    static Map<ChannelOption<?>, Object> options(Transport transport, TcpOptions tcp) {
        Map<ChannelOption<?>, Object> options = new HashMap<>();
        boolean epoll = userTimeoutSupported(transport);
        if (!epoll) {
            // the JDK's own options, as the other two implementations set them
            tcp.socketOptions().forEach((option, value) -> options.put(nioOption(option), value));
        } else if (tcp.keepalive() != null) {
            TcpOptions.Keepalive k = tcp.keepalive();
            options.put(ChannelOption.SO_KEEPALIVE, true);
            options.put(EpollChannelOption.TCP_KEEPIDLE, (int) k.idle().toSeconds());
            options.put(EpollChannelOption.TCP_KEEPINTVL, (int) k.interval().toSeconds());
            options.put(EpollChannelOption.TCP_KEEPCNT, k.count());
        }
        if (tcp.setsUserTimeout()) {
            options.put(EpollChannelOption.TCP_USER_TIMEOUT, (int) tcp.userTimeout().toMillis());
        }
        return options;
    }
    // end::tcp-options[]

    @SuppressWarnings("unchecked")
    private static ChannelOption<Object> nioOption(SocketOption<?> option) {
        return NioChannelOption.of((SocketOption<Object>) option);
    }

    /** Binds a socket to {@code address} and lets it go: core's probe for the pool's source addresses. */
    static void probe(InetAddress address) throws IOException {
        try (SocketChannel c = SocketChannel.open()) {
            c.bind(new InetSocketAddress(address, 0));
        }
    }
}
