package dev.anchor.cli;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * This process's open-file limit ({@code ulimit -n}, RLIMIT_NOFILE) and how many it has open: every
 * socket is a file, so the limit bounds the tunnels one process can hold.
 *
 * @param limit the most files the process may have open
 * @param open  how many it has open now
 */
record OpenFiles(long limit, long open) {
    /** Files a process needs for everything but its tunnels: jars, listeners, selectors, epoll, logs. */
    static final int HEADROOM = 200;

    /** Empty where the JVM cannot say (not a Unix). */
    static Optional<OpenFiles> now() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return Optional.of(new OpenFiles(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount()));
        }
        return Optional.empty();
    }

    /** How many tunnels fit in a fresh process at {@code perTunnel} files each, leaving the headroom. */
    long tunnelsPerProcess(int perTunnel) {
        return Math.max(0, (limit - HEADROOM) / perTunnel);
    }

    /** How many more tunnels fit in this process now, at {@code perTunnel} files each. */
    long tunnelsThatFitNow(int perTunnel) {
        return Math.max(0, (limit - open - HEADROOM) / perTunnel);
    }
}
