package dev.anchor.core.capacity;

import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.UpstreamSource;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;

/**
 * The pool's source addresses must be this host's own: a bind to any other fails at every connect,
 * and the kernel's refusal would read as a shortage of ports (a 503 that never ends) rather than
 * the typo it is. Checked once at start, with a UDP socket, so no TCP port is taken.
 */
public final class LocalSources {
    private LocalSources() {
    }

    /** @throws ConfigException naming {@code upstream.addresses} and the address that is not local */
    public static void require(UpstreamSource source) {
        require("upstream.addresses", source.addresses());
    }

    /** @throws ConfigException naming {@code key} and the address that is not local */
    public static void require(String key, List<InetAddress> addresses) {
        for (InetAddress a : addresses) {
            try (DatagramSocket probe = new DatagramSocket(null)) {
                probe.bind(new InetSocketAddress(a, 0));
            } catch (SocketException e) {
                throw ConfigException.invalid(key, a.getHostAddress(), "addresses of this machine, and "
                        + a.getHostAddress() + " is not an address of this host (bind: " + e.getMessage() + ")");
            }
        }
    }
}
