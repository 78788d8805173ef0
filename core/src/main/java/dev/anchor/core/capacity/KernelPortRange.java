package dev.anchor.core.capacity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The kernel's ephemeral port range, which bounds upstream connections to each backend when the
 * kernel picks source ports: one source address (the kernel's choice) x this many ports. Read from
 * {@code ip_local_port_range} on Linux; elsewhere, or when the file cannot be read, the count is
 * unknown and {@link #why()} says why. Ports in {@code ip_local_reserved_ports} are not subtracted.
 *
 * @param low  the first port, or 0 when unknown
 * @param high the last port, inclusive, or 0 when unknown
 * @param why  why the range is unknown; empty when it is known
 */
public record KernelPortRange(int low, int high, String why) {
    public static final Path LINUX = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    public static KernelPortRange of(int low, int high) {
        return new KernelPortRange(low, high, "");
    }

    public static KernelPortRange unknown(String why) {
        return new KernelPortRange(0, 0, why);
    }

    /** Reads the range from {@code file}; never throws, an unreadable file gives an unknown range. */
    public static KernelPortRange read(Path file) {
        String text;
        try {
            // not Files.readString: procfs reports a size of 0, and a read sized by it can come back short
            try (var in = Files.newInputStream(file)) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        } catch (NoSuchFileException e) {
            return unknown("not Linux: " + file + " is missing");
        } catch (IOException | RuntimeException e) { // access denied, a directory, not ASCII
            return unknown("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        String[] fields = text.strip().split("\\s+");
        try {
            if (fields.length == 2) {
                int low = Integer.parseInt(fields[0]);
                int high = Integer.parseInt(fields[1]);
                if (1 <= low && low <= high && high <= 65535) {
                    return of(low, high);
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the same answer as any other shape
        }
        String shown = text.strip();
        shown = shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
        return unknown(file + " holds '" + shown + "', not two port numbers low high");
    }

    public boolean known() {
        return why.isEmpty();
    }

    /** How many ports the range holds; only when {@link #known()}. */
    public int count() {
        if (!known()) {
            throw new IllegalStateException("the ephemeral port range is unknown: " + why);
        }
        return high - low + 1;
    }

    /**
     * E.g. {@code 1 source address (the kernel's choice) x 28,232 ephemeral ports = 28,232}, or
     * the reason it is unknown.
     */
    public String formula() {
        if (!known()) {
            return "1 source address (the kernel's choice) x unknown ephemeral ports = unknown (" + why + ")";
        }
        return String.format(Locale.ROOT, "1 source address (the kernel's choice) x %,d ephemeral port%s = %,d",
                count(), count() == 1 ? "" : "s", count());
    }

    @Override
    public String toString() {
        return known() ? low + "-" + high : "unknown (" + why + ")";
    }
}
