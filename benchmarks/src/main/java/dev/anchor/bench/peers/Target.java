package dev.anchor.bench.peers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** What the load talks to: the echo backend itself, one of Anchor's three gateways, or a peer. */
enum Target {
    /** No gateway: the load connects to the echo backend. The upper bound of every figure. */
    DIRECT(null),
    BLOCKING(null),
    NIO(null),
    NETTY(null),
    NGINX("nginx"),
    HAPROXY("haproxy");

    /** The program a peer needs on the PATH, or null for Anchor and direct. */
    private final String program;

    Target(String program) {
        this.program = program;
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Target byId(String id) {
        return valueOf(id.trim().toUpperCase(Locale.ROOT));
    }

    boolean isAnchor() {
        return this == BLOCKING || this == NIO || this == NETTY;
    }

    boolean hasGateway() {
        return this != DIRECT;
    }

    /** Why this target cannot run here, if it cannot: a peer whose program is not on the PATH. */
    Optional<String> skipReason() {
        if (program == null || onPath(program).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(program + " is not on the PATH (Debian: apt-get install " + program + ")");
    }

    static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
