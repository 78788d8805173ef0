package dev.anchor.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resident memory of a process and its descendants: the VmRSS line of /proc/PID/status. */
final class Rss {
    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB$");

    private Rss() {
    }

    /** KiB resident now in pid and its living descendants. */
    static long ofTree(long pid) {
        long kib = 0;
        for (long p : ProcessTree.pids(pid)) {
            try {
                kib += vmRssKib(Files.readString(Path.of("/proc", Long.toString(p), "status")));
            } catch (NoSuchFileException ended) {
                // a descendant that ended between the listing and the read
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return kib;
    }

    /** The VmRSS of one /proc/PID/status text, in KiB (the kernel's "kB" is 1024 bytes). */
    static long vmRssKib(String status) {
        Matcher m = VM_RSS.matcher(status);
        if (!m.find()) {
            throw new IllegalArgumentException("no VmRSS line (a kernel thread or a zombie?)");
        }
        return Long.parseLong(m.group(1));
    }
}
