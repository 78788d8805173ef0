package dev.anchor.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * CPU time used by a process and its descendants: user plus system time from /proc/PID/stat,
 * which counts every thread, living or ended. The kernel counts it in clock ticks (USER_HZ, 100
 * on Linux), so a reading is good to 10 ms: over a 5-second window that is a fraction of a percent.
 */
final class ProcCpu {
    /** Clock ticks per second; {@code getconf CLK_TCK} prints it. */
    static final long TICKS_PER_SECOND = 100;

    private ProcCpu() {
    }

    /** Microseconds of CPU that pid and its living descendants have used so far. */
    static long ofTree(long pid) {
        long ticks = 0;
        for (long p : ProcessTree.pids(pid)) {
            ticks += ticksOf(p);
        }
        return ticks * 1_000_000 / TICKS_PER_SECOND;
    }

    /** Microseconds of CPU that pid alone has used so far. */
    static long ofProcess(long pid) {
        return ticksOf(pid) * 1_000_000 / TICKS_PER_SECOND;
    }

    private static long ticksOf(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (NoSuchFileException ended) {
            return 0; // a descendant that ended between the listing and the read
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // tag::proc-stat[]
    /**
     * utime + stime, fields 14 and 15 of a /proc/PID/stat line. Field 2 is the command name in
     * parentheses and may itself hold spaces and parentheses, so fields are counted from the last
     * closing parenthesis: after it come field 3 (the state), 4, 5, and so on.
     */
    static long ticks(String statLine) {
        int end = statLine.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + statLine);
        }
        String[] fields = statLine.substring(end + 2).trim().split(" ");
        int utime = 14 - 3;
        int stime = 15 - 3;
        return Long.parseLong(fields[utime]) + Long.parseLong(fields[stime]);
    }
    // end::proc-stat[]
}
