package dev.anchor.core.config;

import java.net.InetSocketAddress;

/** A {@code host:port} as written in the configuration, and the address it resolved to. */
public record Endpoint(String text, InetSocketAddress address) {
    public static Endpoint of(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return new Endpoint((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort(), address);
    }

    @Override
    public String toString() {
        return text;
    }
}
