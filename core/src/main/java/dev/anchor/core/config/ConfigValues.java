package dev.anchor.core.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the value syntaxes of the configuration file: durations, byte sizes, {@code host:port}. */
public final class ConfigValues {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})(B|KiB|MiB|GiB)?");
    static final String DURATION_FORM = "a duration such as 250ms, 30s, 5m, 2h or 1d";
    static final String SIZE_FORM = "a size such as 512B, 64KiB or 1MiB (powers of 1024)";

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
