package dev.anchor.conformance.peers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that runs a script on each connection it accepts: answer non-101, switch with a wrong
 * accept, stall, half-close, reset, read slowly. Each connection runs on its own virtual thread;
 * a script that throws is recorded, and the test can ask for those failures.
 */
public final class ScriptedBackend implements AutoCloseable {
    /** What a backend does with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void run(BackendConnection connection) throws Exception;
    }

    private final ServerSocket listener;
    private final Script script;
    private final BlockingQueue<BackendConnection> accepted = new LinkedBlockingQueue<>();
    private final List<BackendConnection> all = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();

    private ScriptedBackend(Script script, InetSocketAddress at) throws IOException {
        this.script = script;
        this.listener = new ServerSocket();
        listener.bind(at, 128);
        Thread.ofVirtual().name("scripted-backend-accept").start(this::acceptLoop);
    }

    public static ScriptedBackend start(Script script) throws IOException {
        return start(script, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Listens on {@code at}: a fixed port keeps the listener out of the ephemeral range. */
    public static ScriptedBackend start(Script script, InetSocketAddress at) throws IOException {
        return new ScriptedBackend(script, at);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                BackendConnection c = new BackendConnection(s);
                count.incrementAndGet();
                all.add(c);
                accepted.add(c);
                Thread.ofVirtual().name("scripted-backend-" + count.get()).start(() -> {
                    try {
                        script.run(c);
                    } catch (Throwable t) {
                        if (!listener.isClosed()) {
                            failures.add(t);
                        }
                    }
                });
            } catch (IOException e) {
                failures.add(e);
            }
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** The next connection accepted, in order; fails if none arrives within {@code timeout}. */
    public BackendConnection awaitConnection(Duration timeout) throws InterruptedException {
        BackendConnection c = accepted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (c == null) {
            throw new AssertionError("no connection reached the backend within " + timeout.toMillis() + " ms");
        }
        return c;
    }

    /** Connections accepted so far. */
    public int connections() {
        return count.get();
    }

    /** What the scripts threw, for tests that expect them to run cleanly. */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /**
     * The first connection whose request head has arrived: a client's tunnel, not a health probe's
     * bare connect; fails if none within {@code timeout}.
     */
    public BackendConnection awaitRequest(Duration timeout) {
        return dev.anchor.conformance.Await.until("a connection with a request head", timeout,
                () -> all.stream().filter(c -> c.request() != null).findFirst().orElse(null), c -> c != null);
    }

    /** Stops accepting, as a backend process that went away would; the connections it has stay open. */
    public void stopListening() throws IOException {
        listener.close();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (BackendConnection c : all) {
            c.close();
        }
    }
}
