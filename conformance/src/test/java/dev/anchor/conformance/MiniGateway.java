package dev.anchor.conformance;

import dev.anchor.core.capacity.SlotLease;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.Decision;
import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.GatewayStatus;
import dev.anchor.core.gateway.TunnelStats;
import dev.anchor.core.handshake.Answer;
import dev.anchor.core.handshake.HopByHop;
import dev.anchor.core.handshake.WebSocketKey;
import dev.anchor.core.http.HeadParser;
import dev.anchor.core.http.Headers;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.RequestHeadParser;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import dev.anchor.core.route.Backend;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deliberately small gateway for testing the suite itself. Without a bug it passes the rules the
 * self-test runs; with one, it must fail the rule that names that bug. It is not a model to follow:
 * it handles one route, never times out and trusts its peers.
 */
final class MiniGateway implements Gateway {
    enum Bug {
        NONE,
        /** Answers 101 itself as soon as the request arrives, before the backend said anything. */
        EARLY_101,
        /** Writes through a buffer and closes without flushing it when the backend sends FIN. */
        DROPS_TAIL,
        /** Reads the backend as fast as it can into a queue, whatever the client takes. */
        UNBOUNDED_BUFFER,
        /** Forwards the fields the client's Connection header named. */
        KEEPS_HOP_BY_HOP,
        /** Passes a client's reset on as an orderly FIN. */
        FIN_FOR_RST,
        /** Leaves the client's address out of X-Forwarded-For. */
        NO_FORWARDED_FOR,
        /** Takes a slot from the pool but lets the kernel pick the source address and port. */
        IGNORES_POOL
    }

    static GatewayProvider provider(Bug bug) {
        return new GatewayProvider() {
            @Override
            public String name() {
                return "selftest-" + bug.name().toLowerCase().replace('_', '-');
            }

            @Override
            public Gateway start(GatewayConfig config) throws IOException {
                return new MiniGateway(config, bug, name());
            }
        };
    }

    private final GatewayRuntime runtime;
    private final ServerSocket listener;
    private final Bug bug;
    private final String name;

    private MiniGateway(GatewayConfig config, Bug bug, String name) throws IOException {
        this.runtime = new GatewayRuntime(name, config);
        this.bug = bug;
        this.name = name;
        this.listener = new ServerSocket(0, 50, config.listen().getAddress());
        runtime.listening(address());
        Thread.ofPlatform().daemon().name("mini-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                runtime.connections().clientOpened();
                Thread.ofPlatform().daemon().name("mini-session").start(() -> session(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void session(Socket client) {
        Socket backendSocket = null;
        Backend backend = null;
        SlotLease lease = null;
        try {
            client.setTcpNoDelay(true);
            ByteBuffer fromClient = ByteBuffer.allocate(8192).flip();
            RequestHead head = readHead(client.getInputStream(), new RequestHeadParser(runtime.config().head()), fromClient);
            InetSocketAddress from = (InetSocketAddress) client.getRemoteSocketAddress();
            if (!(runtime.relay().onRequest(head, from) instanceof Decision.Forward forward)) {
                throw new IOException("the mini gateway only forwards");
            }
            if (bug == Bug.EARLY_101) {
                String accept = WebSocketKey.accept(head.headers().first("Sec-WebSocket-Key").orElseThrow());
                write(client, ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            backend = forward.candidates().get(0);
            lease = runtime.connections().upstreamOpening(backend)
                    .orElseThrow(() -> new IOException("the mini gateway has no source slot"));
            backendSocket = new Socket();
            if (lease.bindAddress().isPresent() && bug != Bug.IGNORES_POOL) {
                backendSocket.setReuseAddress(true);
                backendSocket.bind(lease.bindAddress().get());
            }
            backendSocket.connect(backend.address());
            backendSocket.setTcpNoDelay(true);
            write(backendSocket, upstreamHead(head, forward).render().array());
            write(backendSocket, remaining(fromClient));
            ByteBuffer fromBackend = ByteBuffer.allocate(8192).flip();
            ResponseHead response = readHead(backendSocket.getInputStream(),
                    new ResponseHeadParser(runtime.config().head()), fromBackend);
            if (!(runtime.relay().onAnswer(forward, response) instanceof Answer.Switch switched)) {
                throw new IOException("the mini gateway only tunnels");
            }
            if (bug != Bug.EARLY_101) {
                write(client, remaining(switched.head()));
            }
            write(client, remaining(fromBackend));
            tunnel(client, backendSocket, backend, lease, runtime.connections().tunnelOpened(from, backend));
        } catch (Exception e) {
            close(client, false);
            runtime.connections().clientClosed();
            if (backendSocket != null) {
                close(backendSocket, false);
            }
            if (lease != null) {
                runtime.connections().upstreamClosed(backend, lease);
            }
        }
    }

    private RequestHead upstreamHead(RequestHead client, Decision.Forward forward) {
        RequestHead up = forward.upstreamHead();
        Headers h = up.headers();
        if (bug == Bug.KEEPS_HOP_BY_HOP) {
            for (var f : client.headers().fields()) {
                if (HopByHop.in(client.headers()).test(f) && !f.is("Connection") && !f.is("Upgrade")) {
                    h = h.with(f.name(), f.value());
                }
            }
        }
        if (bug == Bug.NO_FORWARDED_FOR) {
            h = h.without(f -> f.is("X-Forwarded-For") || f.is("Forwarded"));
        }
        return new RequestHead(up.method(), up.target(), up.version(), h);
    }

    private void tunnel(Socket client, Socket backend, Backend b, SlotLease lease, TunnelStats stats) {
        AtomicInteger open = new AtomicInteger(2);
        Runnable done = () -> {
            if (open.decrementAndGet() == 0) {
                close(client, false);
                close(backend, false);
                runtime.connections().clientClosed();
                runtime.connections().upstreamClosed(b, lease);
                runtime.connections().tunnelClosed(stats, CloseReason.COMPLETED);
            }
        };
        Thread.ofPlatform().daemon().start(() -> pump(client, backend, stats.upstream(), done, true));
        Thread.ofPlatform().daemon().start(() -> pump(backend, client, stats.downstream(), done, false));
    }

    private void pump(Socket from, Socket to, Flow flow, Runnable done, boolean fromClient) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = !fromClient && bug == Bug.DROPS_TAIL
                    ? new BufferedOutputStream(to.getOutputStream(), 256 * 1024)
                    : to.getOutputStream();
            LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
            if (!fromClient && bug == Bug.UNBOUNDED_BUFFER) {
                Thread.ofPlatform().daemon().start(() -> drain(queue, out, flow));
            }
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    if (!(out instanceof BufferedOutputStream)) {
                        to.shutdownOutput();
                    } else {
                        close(to, false);
                    }
                    break;
                }
                flow.received(n);
                if (!fromClient && bug == Bug.UNBOUNDED_BUFFER) {
                    queue.add(java.util.Arrays.copyOf(buf, n));
                } else {
                    out.write(buf, 0, n);
                    flow.sent(n);
                }
            }
        } catch (IOException e) {
            close(to, !(fromClient && bug == Bug.FIN_FOR_RST));
            close(from, false);
        }
        done.run();
    }

    private static void drain(LinkedBlockingQueue<byte[]> queue, OutputStream out, Flow flow) {
        try {
            while (true) {
                byte[] chunk = queue.take();
                out.write(chunk);
                flow.sent(chunk.length);
            }
        } catch (IOException | InterruptedException e) {
            // the tunnel is gone
        }
    }

    private static <T> T readHead(InputStream in, HeadParser<T> parser, ByteBuffer buffer) throws Exception {
        while (true) {
            T head = parser.parse(buffer);
            if (head != null) {
                return head;
            }
            buffer.clear();
            int n = in.read(buffer.array());
            if (n < 0) {
                throw new IOException("closed mid-head");
            }
            buffer.limit(n);
        }
    }

    private static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void write(Socket s, byte[] bytes) throws IOException {
        s.getOutputStream().write(bytes);
    }

    private static void close(Socket s, boolean reset) {
        try {
            if (reset) {
                s.setSoLinger(true, 0);
            }
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public String implementation() {
        return name;
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public GatewayStatus status() {
        return runtime.status();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // stopping
        }
    }
}
