package dev.anchor.netty;

import dev.anchor.core.config.ConfigLoader;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The gateway side of the idle-tunnel measurement (measure-idle-tunnels.sh): the Netty gateway,
 * started from a configuration file exactly as {@code anchor run} starts it, in a JVM of its own,
 * answering each line on standard input with one line of readings taken inside that JVM after a
 * full collection: heap used, and the direct and heap memory Netty's allocator has taken from the
 * system. Netty's direct memory does not show in the JVM's own native-memory tracking on recent
 * JDKs, so it is read from the allocator itself.
 */
public final class IdleTunnelGateway {
    private IdleTunnelGateway() {
    }

    public static void main(String[] args) throws Exception {
        try (NettyGateway gateway = NettyGateway.start(ConfigLoader.load(Path.of(args[0])))) {
            System.out.println("ready " + gateway.transport());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                System.out.println(readings(gateway));
            }
        }
    }

    /** tunnels, heap used after GC, Netty direct, Netty heap (bytes), live threads. */
    private static String readings(NettyGateway gateway) {
        System.gc();
        System.gc(); // the second one also frees what the first one's reference processing released
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        ByteBufAllocatorMetric netty = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return gateway.status().tunnels() + " " + heap + " " + netty.usedDirectMemory() + " "
                + netty.usedHeapMemory() + " " + ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
