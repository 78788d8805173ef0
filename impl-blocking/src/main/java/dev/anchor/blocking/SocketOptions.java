package dev.anchor.blocking;

import dev.anchor.core.config.TcpOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;

/** What the blocking gateway sets on its sockets, and how it proves a source address is this host's. */
final class SocketOptions {
    private SocketOptions() {
    }

    /** A leg's {@code tcp.*} options (keepalive, its idle, interval and count), set on its socket. */
    @SuppressWarnings("unchecked")
    static void apply(Socket socket, TcpOptions options) throws IOException {
        for (var e : options.socketOptions().entrySet()) {
            socket.setOption((SocketOption<Object>) e.getKey(), e.getValue());
        }
    }

    /** Binds a socket to {@code address} and lets it go: core's probe for the pool's source addresses. */
    static void probe(InetAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(address, 0));
        }
    }
}
