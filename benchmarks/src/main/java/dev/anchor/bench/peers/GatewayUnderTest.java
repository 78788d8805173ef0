package dev.anchor.bench.peers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One target as a process of its own, pinned to the gateway's core with taskset, started once
 * for a repetition's cases and stopped after them: Anchor through {@code anchor run}, nginx or HAProxy,
 * each with a configuration rendered from the templates in {@code benchmarks/peers/}. For
 * {@code direct} there is no process, and the address is the echo backend's.
 */
final class GatewayUnderTest implements AutoCloseable {
    /** The tiny message that proves a target is ready: one echo through it. */
    private static final MessageRing PROBE = new MessageRing(16, 16);

    /** Where the programs and templates are, Anchor's JVM options, and the core gateways are pinned to. */
    record Setup(Path java, List<String> jvmOptions, Path anchorJar, Path templates, String cpu) {
    }

    private final Target target;
    /** The gateway's process, or null for direct. */
    private final Process process;
    private final InetSocketAddress address;
    private final Path log;

    private GatewayUnderTest(Target target, Process process, InetSocketAddress address, Path log) {
        this.target = target;
        this.process = process;
        this.address = address;
        this.log = log;
    }

    /** Starts target in folder dir, forwarding to the backend's port, and returns once it has echoed a message. */
    static GatewayUnderTest start(Target target, Setup setup, int backendPort, Path dir)
            throws IOException, InterruptedException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        if (!target.hasGateway()) {
            return new GatewayUnderTest(target, null, new InetSocketAddress(loopback, backendPort), null);
        }
        Files.createDirectories(dir);
        int port = freePort();
        Map<String, String> values = Map.of("port", Integer.toString(port),
                "backendPort", Integer.toString(backendPort), "dir", dir.toAbsolutePath().toString());
        // tag::pinned[]
        List<String> command = new ArrayList<>(List.of("taskset", "-c", setup.cpu()));
        switch (target) {
            case BLOCKING, NIO, NETTY -> {
                command.add(setup.java().toString());
                command.addAll(setup.jvmOptions());
                command.addAll(List.of("-jar", setup.anchorJar().toAbsolutePath().toString(),
                        "run", "--config", render(setup, "anchor.yaml", values, dir), "--impl", target.id()));
            }
            case NGINX -> command.addAll(List.of("nginx", "-p", dir.toAbsolutePath() + "/",
                    "-c", render(setup, "nginx.conf", values, dir), "-g", "daemon off;"));
            case HAPROXY -> command.addAll(List.of("haproxy", "-f", render(setup, "haproxy.cfg", values, dir), "-db"));
            default -> throw new IllegalArgumentException(target.id());
        }
        // end::pinned[]
        Path log = dir.resolve(target.id() + ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        GatewayUnderTest gateway = new GatewayUnderTest(target, process, new InetSocketAddress(loopback, port), log);
        try {
            gateway.awaitReady(Duration.ofSeconds(30));
        } catch (IOException | InterruptedException | RuntimeException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    private static String render(Setup setup, String name, Map<String, String> values, Path dir) throws IOException {
        String template = Files.readString(setup.templates().resolve(name + ".template"));
        Path config = dir.resolve(name);
        Files.writeString(config, ConfigTemplate.render(template, values));
        return config.toAbsolutePath().toString();
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() - end < 0) {
            if (!process.isAlive()) {
                throw new IOException(target.id() + " exited with " + process.exitValue() + ": " + logTail());
            }
            try (SocketChannel channel = ClientHandshake.open(address)) {
                Io.writeFully(channel, PROBE.request(0));
                Io.expect(channel, PROBE.echo(0), ByteBuffer.allocate(PROBE.echoBytes), "the readiness probe");
                return;
            } catch (IOException notYet) {
                last = notYet;
            }
            Thread.sleep(50);
        }
        throw new IOException(target.id() + " did not echo within " + timeout.toSeconds() + " s (" + last + "): " + logTail());
    }

    InetSocketAddress address() {
        return address;
    }

    /** CPU ticks the gateway's JIT compilers have used so far; always 0 for a gateway with no JVM. */
    long compilerTicks() throws IOException {
        return process == null || !target.isAnchor() ? 0 : JitActivity.compilerTicks(process.pid());
    }

    /** The gateway's process, or empty for direct. */
    OptionalLong pid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    /** The last lines the gateway wrote, for an error message. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the gateway and every process it started. SIGTERM first: nginx and HAProxy stop at once,
     * Anchor begins a drain, and a second SIGTERM stops it at once. SIGKILL for whatever is left.
     */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        for (ProcessHandle d : descendants) {
            try {
                d.onExit().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                d.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
