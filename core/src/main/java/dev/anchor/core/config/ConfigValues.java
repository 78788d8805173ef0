package dev.anchor.core.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the value syntaxes of the configuration file: durations, byte sizes, {@code host:port},
 * source addresses.
 */
public final class ConfigValues {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})(B|KiB|MiB|GiB)?");
    static final String DURATION_FORM = "a duration such as 250ms, 30s, 5m, 2h or 1d";
    static final String SIZE_FORM = "a size such as 512B, 64KiB or 1MiB (powers of 1024)";
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    /** A longer range is more likely a typo (10.0.0.1-10.0.1.1) than a wish. */
    static final int MAX_RANGE = 256;
    static final String SOURCE_FORM = "a source address such as 127.0.0.2, or a range lowest-highest of at most "
            + MAX_RANGE + " addresses such as 127.0.0.2-127.0.0.5";

    private ConfigValues() {
    }

    public static Duration duration(String key, String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw ConfigException.invalid(key, text, DURATION_FORM);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    public static long bytes(String key, String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw ConfigException.invalid(key, text, SIZE_FORM);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long scale = switch (unit) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1L;
        };
        if (n > Long.MAX_VALUE / scale) {
            throw ConfigException.invalid(key, text, SIZE_FORM + " that fits in 63 bits");
        }
        return n * scale;
    }

    /**
     * {@code host:port}, {@code [v6]:port}; the host must resolve now, so a typo fails at start
     * rather than at the first connection.
     */
    public static InetSocketAddress hostPort(String key, String text, int lowestPort) {
        String t = text.strip();
        String form = "host:port such as 127.0.0.1:9001 or [::1]:9001, port " + lowestPort + "..65535";
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw ConfigException.invalid(key, text, form);
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw ConfigException.invalid(key, text, form + " (an IPv6 address goes in brackets)");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, text, form);
        }
        if (port < lowestPort || port > 65535) {
            throw ConfigException.invalid(key, text, form);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw ConfigException.invalid(key, text, "a host that resolves; '" + host + "' does not");
        }
    }

    /**
     * One source address, or a range {@code a-b} of one family, expanded. Literal addresses only: a
     * source is an address of this host, and a name could resolve to anything.
     */
    public static List<InetAddress> sourceAddresses(String key, String text) {
        String t = text.strip();
        int dash = t.indexOf('-');
        InetAddress first = sourceAddress(key, text, dash < 0 ? t : t.substring(0, dash).strip());
        if (dash < 0) {
            return List.of(first);
        }
        InetAddress last = sourceAddress(key, text, t.substring(dash + 1).strip());
        int length = first.getAddress().length;
        if (last.getAddress().length != length) {
            throw ConfigException.invalid(key, text, SOURCE_FORM + " (both ends of one family)");
        }
        BigInteger low = new BigInteger(1, first.getAddress());
        BigInteger count = new BigInteger(1, last.getAddress()).subtract(low).add(BigInteger.ONE);
        if (count.signum() <= 0) {
            throw ConfigException.invalid(key, text, SOURCE_FORM + " (lowest first)");
        }
        if (count.compareTo(BigInteger.valueOf(MAX_RANGE)) > 0) {
            throw ConfigException.invalid(key, text, SOURCE_FORM + " (this one holds " + count + ")");
        }
        List<InetAddress> all = new ArrayList<>(count.intValue());
        for (int i = 0; i < count.intValue(); i++) {
            all.add(address(low.add(BigInteger.valueOf(i)), length));
        }
        return all;
    }

    private static InetAddress sourceAddress(String key, String text, String literal) {
        // getByName would read "1234" as 0.0.4.210 and look up anything else, 256.0.0.1 too, in DNS
        boolean v6 = literal.indexOf(':') >= 0
                && literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        boolean v4 = IPV4.matcher(literal).matches();
        if (!v6 && !v4) {
            throw ConfigException.invalid(key, text, SOURCE_FORM + " (literal addresses, not host names)");
        }
        if (v4 && Arrays.stream(literal.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
            throw ConfigException.invalid(key, text, SOURCE_FORM);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw ConfigException.invalid(key, text, SOURCE_FORM);
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            throw ConfigException.invalid(key, text, SOURCE_FORM
                    + " (a unicast address of this host; a wildcard or multicast address names no source)");
        }
        return address;
    }

    private static InetAddress address(BigInteger value, int length) {
        byte[] raw = value.toByteArray(); // big-endian, maybe with a leading sign byte or fewer bytes
        byte[] bytes = new byte[length];
        int n = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - n, bytes, length - n, n);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    public static String describe(Duration d) {
        if (d.isZero()) {
            return "off";
        }
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    public static String describeBytes(long n) {
        if (n > 0 && n % (1L << 30) == 0) {
            return (n >> 30) + "GiB";
        }
        if (n > 0 && n % (1L << 20) == 0) {
            return (n >> 20) + "MiB";
        }
        if (n > 0 && n % (1L << 10) == 0) {
            return (n >> 10) + "KiB";
        }
        return n + "B";
    }
}
