package dev.anchor.conformance.selftest;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HealthConfig;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.RuntimeGateway;
import dev.anchor.core.lifecycle.DrainReport;
import dev.anchor.core.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.Security;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLParameters;

/**
 * A deliberately small gateway for testing the suite itself: blocking sockets, a platform thread
 * per direction, one timer thread, and core's decisions for everything (the handshake, the dial
 * plan, the heartbeats, the ending). With {@code listen.tls} its client legs are SSLSockets layered
 * over the accepted sockets, the handshake bounded by the head's deadline. Without a bug it passes
 * the rules the self-test runs; with one, it must fail the rule that names that bug. It is not a
 * model to follow: it spends threads freely and skips what those rules do not look at.
 */
public final class MiniGateway implements RuntimeGateway {
    private final GatewayRuntime runtime;
    private final ServerSocket listener;
    final Bug bug;
    final BufferBank buffers;
    /** Tunnel timers and linger deadlines, for every tunnel. */
    final ScheduledExecutorService timer;
    private final Set<MiniLeg> legs = ConcurrentHashMap.newKeySet();
    private final Set<MiniTunnel> tunnels = ConcurrentHashMap.newKeySet();
    /** Sockets whose connect is under way: closing one ends the wait. */
    private final Set<Socket> dialing = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Bug TLS_IGNORES_SNI: the first certificate alone, and the configuration's TLS it was made from. */
    private ServerTls firstOnly;
    private ServerTls firstOnlyOf;
    /** Threads started and not finished, so that close() can wait for them; guarded by itself. */
    private final int[] running = {0};

    /** A provider of mini gateways with {@code bug} planted, named {@code selftest-<bug>}. */
    public static GatewayProvider provider(Bug bug) {
        return new GatewayProvider() {
            @Override
            public String name() {
                return "selftest-" + bug.name().toLowerCase(Locale.ROOT).replace('_', '-');
            }

            @Override
            public Gateway start(GatewayConfig config) throws IOException {
                return new MiniGateway(config, bug, name());
            }
        };
    }

    private MiniGateway(GatewayConfig config, Bug bug, String name) throws IOException {
        if (bug == Bug.TLS_ALLOWS_1_1 && !jvmAllowsTls11()) {
            throw new IllegalStateException("cannot plant " + bug + ": this JVM's jdk.tls.disabledAlgorithms disables TLSv1.1 "
                    + "for every server in it; the self-test's JVM lifts it (LegacyTlsForTheSelfTest)");
        }
        this.runtime = new GatewayRuntime(name, planted(config, bug), MiniGateway::probe);
        this.bug = bug;
        this.buffers = new BufferBank(config.tunnelBuffer());
        this.listener = new ServerSocket(0, 128, config.listen().getAddress());
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("mini-timer").factory());
        runtime.listening(address());
        start("mini-accept", this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            runtime.connections().clientOpened();
            try {
                MiniLeg client = leg(s, runtime.connections()::clientClosed);
                start("mini-session", new MiniSession(this, client)::run);
            } catch (IOException e) {
                runtime.connections().clientClosed();
            }
        }
    }

    private static void probe(java.net.InetAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(address, 0));
        }
    }

    /** A leg the gateway will close when it stops; {@code onClose} runs once, whoever closes it. */
    MiniLeg leg(Socket socket, Runnable onClose) throws IOException {
        MiniLeg[] self = new MiniLeg[1];
        MiniLeg leg = new MiniLeg(socket, () -> {
            legs.remove(self[0]);
            onClose.run();
        });
        self[0] = leg;
        legs.add(leg);
        if (closed.get()) {
            leg.close();
        }
        return leg;
    }

    /** Runs {@code work} on a thread of its own, counted until it finishes. */
    void start(String name, Runnable work) {
        synchronized (running) {
            running[0]++;
        }
        Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                work.run();
            } finally {
                synchronized (running) {
                    if (--running[0] == 0) {
                        running.notifyAll();
                    }
                }
            }
        });
    }

    /** A connect is about to wait on {@code s}; a stop closes it. False if the gateway is stopping already. */
    boolean dialing(Socket s) {
        dialing.add(s);
        return !closed.get();
    }

    void dialed(Socket s) {
        dialing.remove(s);
    }

    void opened(MiniTunnel t) {
        tunnels.add(t);
        if (closed.get()) {
            t.shutdown();
        }
    }

    void ended(MiniTunnel t) {
        tunnels.remove(t);
    }

    @Override
    public GatewayRuntime runtime() {
        return runtime;
    }

    /** TLS for a client accepted now, or null on a plaintext listener; a bug may present only the first certificate. */
    ServerTls tls() {
        ServerTls tls = runtime.tls();
        if (tls == null || bug != Bug.TLS_IGNORES_SNI) {
            return tls;
        }
        synchronized (this) {
            if (firstOnlyOf != tls) {
                var certificates = runtime.config().listenTls().certificates();
                firstOnly = ServerTls.load(new ListenTls(certificates.subList(0, 1)));
                firstOnlyOf = tls;
            }
            return firstOnly;
        }
    }

    /** Core's parameters (TLS 1.2 and 1.3, ALPN http/1.1), or a bug's that takes TLS 1.0 and 1.1 too. */
    SSLParameters tlsParameters(ServerTls tls) {
        SSLParameters p = tls.parameters();
        if (bug == Bug.TLS_ALLOWS_1_1) {
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"});
        }
        return p;
    }

    /** Whether a server in this JVM can speak TLS 1.1 at all: the JDK disables it unless the security property is lifted. */
    static boolean jvmAllowsTls11() {
        String disabled = String.valueOf(Security.getProperty("jdk.tls.disabledAlgorithms"));
        return java.util.Arrays.stream(disabled.split(",")).map(String::trim).noneMatch("TLSv1.1"::equals);
    }

    boolean stopping() {
        return closed.get();
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** The settings a planted bug ignores, taken out before core sees them. */
    private static GatewayConfig planted(GatewayConfig config, Bug bug) {
        HealthConfig h = config.health();
        return switch (bug) {
            case NO_PROBES -> config.toBuilder().health(new HealthConfig(h.downFor(), HealthConfig.Active.NONE,
                    h.closeTunnelsOnDown())).build();
            case TCP_PROBE_ONLY -> config.toBuilder().health(new HealthConfig(h.downFor(), new HealthConfig.Active(
                    HealthConfig.Probe.TCP, h.active().path(), h.active().interval(), h.active().timeout(),
                    h.active().rise(), h.active().fall()), h.closeTunnelsOnDown())).build();
            case KEEPS_TUNNELS_ON_DOWN -> config.toBuilder().health(new HealthConfig(h.downFor(), h.active(), false)).build();
            case KEEPS_REMOVED_TUNNELS -> config.toBuilder().reloadDrainRemoved(false).build();
            case NO_LIFETIME -> config.toBuilder().tunnelMaxLifetime(java.time.Duration.ZERO).build();
            default -> config;
        };
    }

    @Override
    public CompletableFuture<DrainReport> drain() {
        if (bug == Bug.DRAIN_AT_ONCE || bug == Bug.OFF_MODE_FIN_AT_ONCE) {
            runtime.connections().tunnels().forEach(t -> t.goAway(CloseReason.DRAINED));
        }
        CompletableFuture<DrainReport> drained = runtime.drain();
        if (bug == Bug.DRAIN_WITHOUT_DEADLINE) {
            // a drain that is over only when nothing is left: at the deadline it goes on waiting
            return drained.thenCompose(r -> r.leftAtDeadline() > 0 ? new CompletableFuture<>()
                    : CompletableFuture.completedFuture(r));
        }
        return drained;
    }

    @Override
    public void reload(GatewayConfig next) {
        if (bug == Bug.RELOAD_RESTARTS) {
            tunnels.forEach(MiniTunnel::shutdown); // as a gateway that restarts to reload would
        }
        if (bug == Bug.HALF_APPLIES_RELOAD) {
            GatewayConfig now = runtime.config();
            runtime.reload(next.toBuilder().tunnelBuffer(now.tunnelBuffer()).build());
            return;
        }
        runtime.reload(planted(next, bug));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        runtime.close();
        try {
            listener.close();
        } catch (IOException ignored) {
            // stopping
        }
        if (bug == Bug.CLOSE_LEAVES_TUNNELS) {
            timer.shutdownNow();
            return;
        }
        tunnels.forEach(MiniTunnel::shutdown);
        legs.forEach(MiniLeg::close);
        for (Socket s : dialing) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the connect ends either way
            }
        }
        timer.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        synchronized (running) {
            while (running[0] > 0 && System.nanoTime() - deadline < 0) {
                try {
                    running.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
