package dev.anchor.nio;

import dev.anchor.core.config.TcpOptions;
import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Map;

/** Sets a leg's TCP options (keepalive) on its channel. */
final class Options {
    private Options() {
    }

    @SuppressWarnings("unchecked")
    static void apply(SocketChannel channel, TcpOptions options) throws IOException {
        for (Map.Entry<SocketOption<?>, Object> e : options.socketOptions().entrySet()) {
            channel.setOption((SocketOption<Object>) e.getKey(), e.getValue());
        }
    }
}
