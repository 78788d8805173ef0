package dev.anchor.conformance.targets;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Counts the TCP connections a process and its children hold, from Linux's /proc: the sockets among
 * their open descriptors, looked up in /proc/net/tcp and tcp6 by inode. Listening sockets do not
 * count. This is how the suite checks an outside gateway for leaks, since it has no counts of its
 * own to ask: a connection in CLOSE_WAIT that the gateway never closes shows here.
 */
public final class SocketCensus {
    private static final Path PROC = Path.of("/proc");
    private static final String LISTEN = "0A";
    private static final Map<String, String> STATES = Map.ofEntries(
            Map.entry("01", "ESTABLISHED"), Map.entry("02", "SYN_SENT"), Map.entry("03", "SYN_RECV"),
            Map.entry("04", "FIN_WAIT1"), Map.entry("05", "FIN_WAIT2"), Map.entry("06", "TIME_WAIT"),
            Map.entry("07", "CLOSE"), Map.entry("08", "CLOSE_WAIT"), Map.entry("09", "LAST_ACK"),
            Map.entry("0B", "CLOSING"), Map.entry("0C", "NEW_SYN_RECV"));

    private SocketCensus() {
    }

    public static boolean available() {
        return Files.isReadable(PROC.resolve("net/tcp"));
    }

    /** Held connections by TCP state, e.g. {@code {CLOSE_WAIT=1, ESTABLISHED=2}}; empty when none. */
    public static Map<String, Integer> connections(ProcessHandle process) throws IOException {
        Set<String> inodes = new HashSet<>();
        List<ProcessHandle> all = Stream.concat(Stream.of(process), process.descendants()).toList();
        for (ProcessHandle p : all) {
            inodes.addAll(socketInodes(p.pid()));
        }
        Map<String, String> stateByInode = new HashMap<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            Path f = PROC.resolve(table);
            if (!Files.isReadable(f)) {
                continue;
            }
            List<String> lines = Files.readAllLines(f);
            for (String line : lines.subList(1, lines.size())) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 9) {
                    stateByInode.put(cols[9], cols[3]);
                }
            }
        }
        Map<String, Integer> byState = new TreeMap<>();
        for (String inode : inodes) {
            String state = stateByInode.get(inode);
            if (state != null && !state.equals(LISTEN)) {
                byState.merge(STATES.getOrDefault(state, state), 1, Integer::sum);
            }
        }
        return byState;
    }

    private static Set<String> socketInodes(long pid) {
        Set<String> out = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        out.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed between listing and reading holds nothing
                }
            }
        } catch (IOException goneMeanwhile) {
            // a worker that exited holds nothing
        }
        return out;
    }
}
