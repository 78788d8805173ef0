package dev.anchor.bench.peers;

import java.util.ArrayList;
import java.util.List;

/**
 * A process and its descendants, as the kernel sees them now. A gateway can be more than one
 * process: nginx is a master and a worker, and the worker is the one that does the work.
 */
final class ProcessTree {
    private ProcessTree() {
    }

    /** The pid itself first, then every living descendant. */
    static List<Long> pids(long root) {
        List<Long> pids = new ArrayList<>();
        pids.add(root);
        ProcessHandle.of(root).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }
}
