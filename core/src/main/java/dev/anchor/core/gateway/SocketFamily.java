package dev.anchor.core.gateway;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/**
 * Which protocol family a socket for an address should be opened with. Left to itself the JDK
 * opens every socket as IPv6 and reaches IPv4 peers through mapped addresses ({@code
 * ::ffff:127.0.0.1}): each connection then pays for an IPv6 socket and a setsockopt, and takes the
 * kernel's mapped-address path on every connect and accept. An IPv4 address gets an IPv4 socket.
 */
public final class SocketFamily {
    private SocketFamily() {
    }

    /** For connecting to {@code address}: IPv4 for an IPv4 address, IPv6 otherwise. */
    public static ProtocolFamily toReach(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /**
     * For listening on {@code address}: as {@link #toReach}, except the IPv4 wildcard, which the JDK
     * has always bound as the IPv6 wildcard, so that {@code 0.0.0.0} takes IPv6 clients too.
     */
    public static ProtocolFamily toListen(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address v4 && !v4.isAnyLocalAddress()
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }
}
