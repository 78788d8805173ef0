package dev.anchor.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A CIDR range such as {@code 127.0.0.0/8} or {@code ::1/128}. */
public record AddressRange(InetAddress network, int prefixLength) {

    public static AddressRange parse(String key, String text) {
        String t = text.strip();
        String form = "an address range such as 127.0.0.0/8, 10.1.2.3/32 or ::1/128";
        int slash = t.indexOf('/');
        if (slash <= 0) {
            throw ConfigException.invalid(key, text, form);
        }
        InetAddress network;
        int length;
        try {
            String host = t.substring(0, slash);
            if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                throw ConfigException.invalid(key, text, form + " (a literal address, not a host name)");
            }
            network = InetAddress.getByName(host);
            length = Integer.parseInt(t.substring(slash + 1));
        } catch (UnknownHostException | NumberFormatException e) {
            throw ConfigException.invalid(key, text, form);
        }
        int bits = network.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw ConfigException.invalid(key, text, form + " (prefix 0.." + bits + ")");
        }
        return new AddressRange(network, length);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
