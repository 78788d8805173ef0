package dev.anchor.conformance.netns;

import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.ClientTls;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.RawResponse;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.conformance.tls.RunCa;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import dev.anchor.core.gateway.GatewayStatus;
import dev.anchor.core.route.BalancerKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The child side of the kernel-range rule, run inside a namespace whose ephemeral range holds
 * {@link #RANGE} ports: a gateway in kernel mode (from the provider class named on the command line)
 * and two backends. Everything that listens or connects, other than the gateway's upstream
 * sockets, uses fixed ports outside the range, so the range is the gateway's alone. It prints one
 * line per finding, {@code KEY value}, and {@code DONE}. With {@code TLS} as its second argument
 * the client leg is TLS, with certificates of the child's own run.
 */
public final class KernelRangeProbe {
    /** The namespace's ip_local_port_range. */
    public static final String RANGE = "40000 40003";
    public static final int PORTS = 4;

    private KernelRangeProbe() {
    }

    public static void main(String[] args) throws Exception {
        GatewayProvider provider = (GatewayProvider) Class.forName(args[0]).getConstructor().newInstance();
        InetAddress lo = InetAddress.getLoopbackAddress();
        boolean tls = args.length > 1 && args[1].equals("TLS");
        ClientTls clientTls = tls ? RunCa.get().client() : null;
        ScriptedBackend.Script echo = c -> {
            c.accept();
            c.echoFrames();
        };
        List<RawClient> clients = new ArrayList<>();
        try (ScriptedBackend a = ScriptedBackend.start(echo, new InetSocketAddress(lo, 7001));
             ScriptedBackend b = ScriptedBackend.start(echo, new InetSocketAddress(lo, 7002));
             Gateway gateway = provider.start(GatewayConfig.builder()
                     .listen(new InetSocketAddress(lo, 7000))
                     .connectTimeout(Duration.ofSeconds(2))
                     .route("/a", BalancerKind.ROUND_ROBIN, List.of(a.address()))
                     .route("/b", BalancerKind.ROUND_ROBIN, List.of(b.address()))
                     .listenTls(tls ? RunCa.get().listen() : dev.anchor.core.config.ListenTls.OFF)
                     .build())) {
            int port = 5000;
            say("A_OPENED", open(gateway, "/a", PORTS, port, clients, clientTls));
            port += PORTS;
            try (RawClient fifth = RawClient.connect(gateway.address(), new InetSocketAddress(lo, port++), 0, clientTls)) {
                fifth.sendUpgrade("/a");
                RawResponse r = fifth.readResponse();
                say("A_NEXT", r.status() + " " + r.field("Retry-After").orElse("-"));
            }
            say("A_ACCEPTED", a.connections());
            say("B_OPENED", open(gateway, "/b", PORTS, port, clients, clientTls));
            GatewayStatus.EndpointStatus endpoint = gateway.status().capacity().endpoints().get(0);
            say("FORMULA", endpoint.formula());
            say("A_IN_USE", endpoint.slots().inUse());
            say("A_KERNEL_REFUSALS", endpoint.slots().kernelRefusals());
            for (RawClient c : clients) {
                c.close();
            }
        } catch (Exception | AssertionError e) {
            say("FAILED", e.toString().replace('\n', ' '));
        }
        say("DONE", "");
        System.exit(0);
    }

    /** Opens up to {@code n} tunnels from fixed client ports; how many carried an echo. */
    private static int open(Gateway gateway, String path, int n, int firstPort, List<RawClient> clients, ClientTls tls)
            throws IOException {
        int opened = 0;
        for (int i = 0; i < n; i++) {
            RawClient c = RawClient.connect(gateway.address(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), firstPort + i), 0, tls);
            clients.add(c);
            c.upgrade(path);
            Frame f = Frame.text("through " + path + " " + i);
            c.send(f);
            if (c.readFrame().equals(f)) {
                opened++;
            }
        }
        return opened;
    }

    private static void say(String key, Object value) {
        System.out.println(key + " " + value);
        System.out.flush();
    }
}
