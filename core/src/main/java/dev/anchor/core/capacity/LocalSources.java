package dev.anchor.core.capacity;

import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.UpstreamSource;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * The pool's source addresses must be this host's own: a bind to any other fails at every connect,
 * and the kernel's refusal would read as a shortage of ports (a 503 that never ends) rather than
 * the typo it is. Checked once at start. Whether an address is this host's is the kernel's to say,
 * and only a bind asks it exactly (any 127.x.y.z is local on Linux, not elsewhere); core holds no
 * sockets, so the caller's {@link Probe} does the binding.
 */
public final class LocalSources {
    /** Binds a socket to an address (port 0) and lets it go; throws if this host does not have it. */
    @FunctionalInterface
    public interface Probe {
        void bind(InetAddress address) throws IOException;
    }

    private LocalSources() {
    }

    /** @throws ConfigException naming {@code upstream.addresses} and the address that is not local */
    public static void require(UpstreamSource source, Probe probe) {
        require("upstream.addresses", source.addresses(), probe);
    }

    /** @throws ConfigException naming {@code key} and the address that is not local */
    public static void require(String key, List<InetAddress> addresses, Probe probe) {
        for (InetAddress a : addresses) {
            try {
                probe.bind(a);
            } catch (IOException e) {
                throw ConfigException.invalid(key, a.getHostAddress(), "addresses of this machine, and "
                        + a.getHostAddress() + " is not an address of this host (bind: " + e.getMessage() + ")");
            }
        }
    }
}
