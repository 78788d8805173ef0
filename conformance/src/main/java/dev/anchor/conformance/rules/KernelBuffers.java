package dev.anchor.conformance.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The largest send and receive buffers Linux gives a TCP socket (the third field of
 * {@code tcp_wmem} and {@code tcp_rmem}), to bound how much a chain of sockets can hold by itself.
 */
final class KernelBuffers {
    private static final long FALLBACK = 8L << 20;

    private KernelBuffers() {
    }

    static long maxSend() {
        return max("tcp_wmem");
    }

    static long maxReceive() {
        return max("tcp_rmem");
    }

    private static long max(String name) {
        try {
            String[] f = Files.readString(Path.of("/proc/sys/net/ipv4", name)).trim().split("\\s+");
            return Long.parseLong(f[2]);
        } catch (IOException | RuntimeException notLinux) {
            return FALLBACK;
        }
    }
}
