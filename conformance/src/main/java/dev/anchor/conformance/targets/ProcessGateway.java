package dev.anchor.conformance.targets;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anchor.conformance.Capability;
import dev.anchor.conformance.peers.ClientTls;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.RawResponse;
import dev.anchor.conformance.Await;
import dev.anchor.conformance.TestTime;
import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.lifecycle.DrainReport;
import dev.anchor.core.gateway.GatewayStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A gateway process a {@link ProcessTarget} started; closing it stops the process and its children. */
final class ProcessGateway implements Gateway {
    private static final int OUTPUT_TAIL = 4000;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final ProcessTarget target;
    private final Process process;
    private final InetSocketAddress address;
    private final Path dir;
    private final Path output;
    /** How the suite speaks to it: TLS on a TLS listener, else null. */
    private final ClientTls tls;

    ProcessGateway(ProcessTarget target, Process process, InetSocketAddress address, Path dir, Path output, ClientTls tls) {
        this.target = target;
        this.process = process;
        this.address = address;
        this.dir = dir;
        this.output = output;
        this.tls = tls;
    }

    Process process() {
        return process;
    }

    @Override
    public String implementation() {
        return target.implementation();
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /** Read from its /status, for a target that declares {@link Capability#STATUS}. */
    @Override
    public GatewayStatus status() {
        if (!target.capabilities().contains(Capability.STATUS)) {
            throw new IllegalStateException(target.name() + " does not declare the status capability");
        }
        try {
            GatewayStatus s = JSON.readValue(get("/status"), GatewayStatus.class);
            List<GatewayStatus.TunnelStatus> tunnels = JSON.readValue(get("/status/tunnels"),
                    JSON.getTypeFactory().constructCollectionType(List.class, GatewayStatus.TunnelStatus.class));
            return new GatewayStatus(s.implementation(), s.listen(), s.uptimeMillis(), s.clientConnections(),
                    s.upstreamConnections(), s.tunnels(), s.backends(), tunnels, s.transport(), s.capacity(),
                    s.lifecycle(), s.events());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + target.name() + "'s /status", e);
        }
    }

    private byte[] get(String path) throws IOException {
        try (RawClient c = RawClient.connect(address, tls)) {
            c.write("GET " + path + " HTTP/1.1\r\nHost: " + c.host() + "\r\nConnection: close\r\n\r\n");
            RawResponse r = c.readResponse();
            if (r.status() != 200) {
                throw new IOException(target.name() + " answered " + path + " with " + r.status());
            }
            return r.body();
        }
    }

    /** What the process printed, its last few thousand characters. */
    String output() {
        try {
            String all = Files.readString(output, StandardCharsets.UTF_8);
            return all.length() <= OUTPUT_TAIL ? all : "..." + all.substring(all.length() - OUTPUT_TAIL);
        } catch (IOException e) {
            return "(its output could not be read: " + e + ")";
        }
    }

    /**
     * SIGTERM: a gateway that declares {@link Capability#DRAIN} drains and exits by itself. The
     * future completes when the process has exited, and fails unless it exited with 0.
     */
    @Override
    public CompletableFuture<DrainReport> drain() {
        long started = System.nanoTime();
        process.destroy();
        return drained().thenApply(r -> new DrainReport(-1, -1, -1, (System.nanoTime() - started) / 1_000_000));
    }

    @Override
    public CompletableFuture<DrainReport> drained() {
        return process.onExit().thenApply(p -> {
            if (p.exitValue() != 0) {
                throw new AssertionError(target.name() + " exited with code " + p.exitValue() + " after a drain; it said:\n"
                        + output());
            }
            return new DrainReport(-1, -1, -1, -1);
        });
    }

    /** Sends {@code name} (TERM, INT, ...) to the gateway's process, if it is still running. */
    private void signal(String name) {
        if (!process.isAlive()) {
            return;
        }
        if (name.equals("TERM")) {
            process.destroy();
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("kill -" + name + " " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Renders the files for {@code next} where the running process reads them, and sends SIGHUP.
     * Whether the gateway applied or refused it is read from its /status (so a target declaring
     * {@link Capability#RELOAD} declares {@link Capability#STATUS} too): a refusal is thrown as
     * the ConfigException the gateway logged.
     */
    @Override
    public void reload(GatewayConfig next) {
        GatewayStatus.LifecycleStatus before = status().lifecycle();
        GatewayConfig same = next.listen().getPort() == 0 ? next.toBuilder().listen(address).build() : next;
        try {
            target.writeFiles(same, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        signal("HUP");
        GatewayStatus.LifecycleStatus after = Await.until(target.name() + " to apply or refuse the reload",
                TestTime.PROMPT, () -> status().lifecycle(),
                l -> l.generation() > before.generation() || l.reloadsRefused() > before.reloadsRefused());
        if (after.generation() == before.generation()) {
            throw new ConfigException("", after.lastRefusal());
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        for (String signal : target.file().stopSignals()) {
            signal(signal); // each in turn: a gateway whose SIGTERM drains stops at the second
        }
        try {
            if (!process.waitFor(target.file().stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(target.file().stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        // a worker that outlived its master would keep its connections
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException leftForTheOs) {
            // a temporary folder left behind is harmless
        }
    }
}
