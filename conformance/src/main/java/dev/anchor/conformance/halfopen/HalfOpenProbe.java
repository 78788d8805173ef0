package dev.anchor.conformance.halfopen;

import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.ClientTls;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.conformance.tls.RunCa;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.config.TcpOptions;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import dev.anchor.core.route.BalancerKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The child side of {@link HalfOpen}, run inside the namespace: a gateway (from the provider class
 * named on the command line), a backend that switches and then says nothing, and one tunnel
 * between them. It prints {@code READY <backend port>}, waits for {@code GO} (the drop is in place),
 * and prints {@code DETECTED <ms>} or {@code NOT_DETECTED <ms>}. With {@code TLS} as its fourth
 * argument the client leg is TLS, with certificates of the child's own run.
 */
public final class HalfOpenProbe {
    private HalfOpenProbe() {
    }

    public static void main(String[] args) throws Exception {
        GatewayProvider provider = (GatewayProvider) Class.forName(args[0]).getConstructor().newInstance();
        HalfOpen.Guard guard = HalfOpen.Guard.valueOf(args[1]);
        Duration limit = Duration.ofMillis(Long.parseLong(args[2]));
        boolean tls = args.length > 3 && args[3].equals("TLS");
        Duration never = Duration.ofMinutes(10);

        try (ScriptedBackend backend = ScriptedBackend.start(BackendConnection::accept)) {
            GatewayConfig.Builder config = GatewayConfig.builder()
                    .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .route("/", BalancerKind.ROUND_ROBIN, List.of(backend.address()))
                    .idleTimeout(Duration.ZERO);
            switch (guard) {
                case HEARTBEAT -> config.heartbeat(HeartbeatConfig.Mode.PING, new HeartbeatConfig.Leg(never, never),
                        new HeartbeatConfig.Leg(Duration.ofMillis(500), Duration.ofMillis(500)));
                case KEEPALIVE -> config.tcp("backend", new TcpOptions(
                        new TcpOptions.Keepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 2), Duration.ZERO));
                case NONE -> { }
            }
            if (tls) {
                config.listenTls(RunCa.get().listen());
            }
            ClientTls clientTls = tls ? RunCa.get().client() : null;
            try (Gateway gateway = provider.start(config.build());
                 RawClient client = RawClient.connect(gateway.address(), clientTls)) {
                client.upgrade("/");
                backend.awaitConnection(Duration.ofSeconds(10));
                System.out.println("READY " + backend.address().getPort());
                System.out.flush();
                String go = new BufferedReader(new InputStreamReader(System.in)).readLine();
                if (!"GO".equals(go)) {
                    System.out.println("NOT_DETECTED 0 (no GO: " + go + ")");
                    return;
                }
                long t0 = System.nanoTime();
                Ending ending = client.awaitEnd(limit);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println(ending == Ending.OPEN ? "NOT_DETECTED " + ms : "DETECTED " + ms);
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
