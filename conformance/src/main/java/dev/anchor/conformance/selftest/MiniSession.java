package dev.anchor.conformance.selftest;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.Decision;
import dev.anchor.core.gateway.DialPlan;
import dev.anchor.core.gateway.HandshakePolicy;
import dev.anchor.core.gateway.Linger;
import dev.anchor.core.handshake.Answer;
import dev.anchor.core.handshake.HopByHop;
import dev.anchor.core.handshake.UpstreamRequest;
import dev.anchor.core.handshake.WebSocketKey;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.HeadParser;
import dev.anchor.core.http.HeaderField;
import dev.anchor.core.http.Headers;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.RequestHeadParser;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import dev.anchor.core.route.Backend;
import dev.anchor.core.tls.ServerTls;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One client connection of the mini gateway, from its request head to a tunnel or a refusal, on its own thread. */
final class MiniSession {
    private final MiniGateway gateway;
    private final MiniLeg client;
    private final InetSocketAddress clientAddress;
    private final GatewayConfig config;
    private final HandshakePolicy handshakes;
    private final ConnectionRegistry registry;
    private final Bug bug;

    MiniSession(MiniGateway gateway, MiniLeg client) {
        this.gateway = gateway;
        this.client = client;
        this.clientAddress = (InetSocketAddress) client.socket.getRemoteSocketAddress();
        this.config = gateway.runtime().config();
        this.handshakes = gateway.runtime().handshakes();
        this.registry = gateway.runtime().connections();
        this.bug = gateway.bug;
    }

    void run() {
        try {
            serve();
        } catch (IOException | RuntimeException e) {
            client.close();
        }
    }

    private void serve() throws IOException {
        ByteBuffer fromClient = ByteBuffer.allocate(64 * 1024).flip();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        long accepted = System.nanoTime();
        ServerTls tls = gateway.tls();
        if (tls != null && !handshake(tls, bug == Bug.TLS_NO_HEAD_DEADLINE ? 0 : accepted + config.timeouts().head().toNanos())) {
            return;
        }
        long deadline = bug == Bug.NO_HEAD_TIMEOUT ? 0 : accepted + config.timeouts().head().toNanos();
        RequestHead head;
        try {
            head = read(client, new RequestHeadParser(config.head()), fromClient, deadline, raw);
        } catch (SocketTimeoutException e) {
            reply(handshakes.headTimedOut());
            return;
        } catch (EOFException e) {
            client.close();
            return;
        } catch (HeadParseException e) {
            if (bug == Bug.LAX_HOST && e.getMessage().startsWith("Host ")) {
                head = laxHost(raw, fromClient);
            } else if (bug == Bug.ANSWERS_MALFORMED) {
                reply(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
                return;
            } else {
                reply(handshakes.malformed(e));
                return;
            }
        }
        if (bug == Bug.HEALTHY_WHILE_DRAINING && head.path().equals("/healthz")) {
            reply(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return;
        }
        if (bug == Bug.FORWARDS_HEALTHZ && head.path().equals("/healthz")) {
            forwardPlainly(head);
            return;
        }
        InetSocketAddress seen = bug == Bug.OPEN_ADMIN ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 1) : clientAddress;
        if (bug == Bug.ALL_DOWN_DIALS) {
            // as a gateway without health state would: every backend of the route is dialed, down or not
            var route = gateway.runtime().router().route(head.path());
            if (route.isPresent() && route.get().pool().stream().noneMatch(b -> b.health().up())) {
                RequestHead upstream = UpstreamRequest.of(head, clientAddress, "http");
                forward(head, new Decision.Forward(route.get(), route.get().pool(), upstream, upstream.render()), fromClient);
                return;
            }
        }
        switch (handshakes.onRequest(head, seen)) {
            case Decision.Reply r -> reply(r.response());
            case Decision.Forward f -> forward(head, tls == null ? f : overTls(head, f), fromClient);
        }
    }

    /**
     * The TLS handshake of a client leg on a TLS listener, within the head's deadline (0: none):
     * the handshake is part of the time a request head may take. The first byte tells TLS (a
     * handshake record, 22) from a client speaking anything else; either way TLS answers it. False
     * if the client is gone: it did not speak TLS, did not finish in time, or was refused.
     */
    private boolean handshake(ServerTls tls, long deadlineNanos) throws IOException {
        // the deadline is the timer's, not a read's: a client trickling its hello resets every read timeout
        ScheduledFuture<?> timeUp = deadlineNanos == 0 ? null : gateway.timer.schedule(client::close,
                Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        try {
            byte[] first = new byte[1];
            client.readTimeout(deadlineNanos == 0 ? 0 : Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
            if (client.readRaw(first, 0, 1) < 0) {
                client.close();
                return false;
            }
            if (first[0] != 22 && bug == Bug.TLS_HANGS_ON_PLAINTEXT) {
                // as a listener that waits for a TLS record which will never come: the client stays until it leaves
                if (timeUp != null) {
                    timeUp.cancel(false);
                }
                client.readTimeout(0);
                byte[] sink = new byte[8192];
                while (client.readRaw(sink, 0, sink.length) >= 0) {
                    // what it says is not TLS, and not read as anything else either
                }
                client.close();
                return false;
            }
            client.startTls(tls.context(), gateway.tlsParameters(tls), first, bug != Bug.TLS_NO_CLOSE_NOTIFY);
        } catch (IOException refusedOrLate) {
            client.close(); // TLS sent its alert, if it had one to send
            return false;
        } finally {
            if (timeUp != null) {
                timeUp.cancel(false);
            }
        }
        return !client.isClosed(); // the timer may have fired as the handshake finished
    }

    /** The forwarded head saying the scheme the client used: core's says http whatever the listener. */
    private Decision.Forward overTls(RequestHead request, Decision.Forward f) {
        if (bug == Bug.NO_FORWARDED_FOR || bug == Bug.KEEPS_HOP_BY_HOP) {
            return f; // those bugs make their own head
        }
        RequestHead upstream = UpstreamRequest.of(request, clientAddress, "https");
        return new Decision.Forward(f.route(), f.candidates(), upstream, upstream.render());
    }

    private void forward(RequestHead request, Decision.Forward forward, ByteBuffer early) throws IOException {
        DialPlan plan = new DialPlan(registry, bug == Bug.IGNORES_HEALTH ? forward.route().pool() : forward.candidates());
        MiniLeg upstream = null;
        Backend backend = null;
        for (DialPlan.Attempt a = plan.next(); a != null; a = plan.next()) {
            Runnable released = bug == Bug.LEAKS_SLOTS ? () -> { } : a::closed;
            Socket s = new Socket();
            try {
                if (!gateway.dialing(s)) {
                    throw new IOException("the gateway is stopping");
                }
                if (a.bindAddress().isPresent() && bug != Bug.IGNORES_POOL) {
                    s.setReuseAddress(true);
                    s.bind(a.bindAddress().get());
                }
                s.connect(a.backend().address(), (int) config.timeouts().connect().toMillis());
                upstream = gateway.leg(s, released);
                a.connected();
                backend = a.backend();
                break;
            } catch (IOException e) {
                if (bug != Bug.LEAKS_SLOTS) {
                    a.failed(e);
                }
                s.close();
                if (bug == Bug.NO_RETRY || gateway.stopping()) {
                    break;
                }
            } finally {
                gateway.dialed(s);
            }
        }
        if (upstream == null) {
            ByteBuffer refusal = handshakes.connectFailed(plan.failures());
            reply(bug == Bug.CAPACITY_AS_502 && status(refusal) == 503 ? handshakes.backendClosedEarly() : refusal);
            return;
        }
        if (bug == Bug.EARLY_101) {
            String accept = WebSocketKey.accept(request.headers().first("Sec-WebSocket-Key").orElseThrow());
            client.write(ByteBuffer.wrap(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
        }
        ByteBuffer head = forward.head();
        if (bug == Bug.KEEPS_HOP_BY_HOP || bug == Bug.NO_FORWARDED_FOR) {
            head = buggyUpstreamHead(request, forward);
        }
        upstream.write(head);
        if (bug == Bug.LEAKS_EARLY_BYTES && early.hasRemaining()) {
            upstream.write(early);
            early.position(early.limit());
        }
        answer(forward, upstream, backend, early);
    }

    private void answer(Decision.Forward forward, MiniLeg upstream, Backend backend, ByteBuffer early) throws IOException {
        ByteBuffer fromBackend = ByteBuffer.allocate(64 * 1024).flip();
        long deadline = System.nanoTime() + config.timeouts().handshake().toNanos();
        while (true) {
            ResponseHead response;
            try {
                response = read(upstream, new ResponseHeadParser(config.head()), fromBackend, deadline, null);
            } catch (SocketTimeoutException e) {
                refuse(upstream, handshakes.handshakeTimedOut(backend));
                return;
            } catch (HeadParseException e) {
                refuse(upstream, handshakes.badResponse(e));
                return;
            } catch (IOException e) {
                refuse(upstream, handshakes.backendClosedEarly());
                return;
            }
            switch (handshakes.onAnswer(forward, response)) {
                case Answer.Interim i -> client.write(i.head());
                case Answer.Refuse r -> {
                    if (bug == Bug.TRUSTS_ACCEPT) {
                        tunnel(response.render(), upstream, backend, fromBackend, early);
                    } else {
                        refuse(upstream, handshakes.refused(r));
                    }
                    return;
                }
                case Answer.PassOn r -> {
                    passOnBody(r, upstream, fromBackend);
                    return;
                }
                case Answer.Switch s -> {
                    tunnel(bug == Bug.EARLY_101 ? ByteBuffer.allocate(0) : s.head(), upstream, backend, fromBackend, early);
                    return;
                }
            }
        }
    }

    private void tunnel(ByteBuffer switched, MiniLeg upstream, Backend backend, ByteBuffer fromBackend, ByteBuffer early)
            throws IOException {
        // counted and reachable by a drain before the client hears 101: a drain that begins the moment
        // the client has its tunnel must find it, or a planted "ends at once" bug can miss it
        MiniTunnel t = new MiniTunnel(gateway, client, upstream, registry.tunnelOpened(clientAddress, backend));
        t.register();
        client.write(switched);
        client.readTimeout(0);
        upstream.readTimeout(0);
        t.start(fromBackend, early);
    }

    private void passOnBody(Answer.PassOn passed, MiniLeg upstream, ByteBuffer buffered) throws IOException {
        client.write(passed.head());
        upstream.readTimeout(config.timeouts().handshake().toMillis());
        try {
            while (true) {
                int n = passed.body().take(buffered);
                client.write(buffered.array(), buffered.position(), n);
                buffered.position(buffered.position() + n);
                if (passed.body().complete()) {
                    break;
                }
                buffered.clear();
                int read = upstream.read(buffered.array(), 0, buffered.capacity());
                if (read < 0) {
                    break;
                }
                buffered.limit(read);
            }
        } catch (HeadParseException | SocketTimeoutException cutShort) {
            // what came is passed on; the close says the rest
        }
        refuse(upstream, ByteBuffer.allocate(0));
    }

    /** The forwarded head with a bug's fields put back in or left out. */
    private ByteBuffer buggyUpstreamHead(RequestHead client, Decision.Forward forward) {
        RequestHead up = forward.upstreamHead();
        Headers h = up.headers();
        if (bug == Bug.KEEPS_HOP_BY_HOP) {
            for (HeaderField f : client.headers().fields()) {
                if (HopByHop.in(client.headers()).test(f) && !f.is("Connection") && !f.is("Upgrade")) {
                    h = h.with(f.name(), f.value());
                }
            }
        } else {
            h = h.without(f -> f.is("X-Forwarded-For") || f.is("Forwarded"));
        }
        return new RequestHead(up.method(), up.target(), up.version(), h).render();
    }

    /** A bug: /healthz goes to the first backend, and its answer back to the client. */
    private void forwardPlainly(RequestHead head) throws IOException {
        Backend first = gateway.runtime().router().backends().get(0);
        try (Socket s = new Socket()) {
            s.connect(first.address(), (int) config.timeouts().connect().toMillis());
            s.getOutputStream().write(head.render().array());
            s.setSoTimeout((int) config.timeouts().handshake().toMillis());
            byte[] answer = new byte[8192];
            int n = s.getInputStream().read(answer);
            reply(ByteBuffer.wrap(answer, 0, Math.max(0, n)));
        }
    }

    private void refuse(MiniLeg upstream, ByteBuffer response) throws IOException {
        upstream.close();
        reply(response);
    }

    /** Writes {@code response}, FIN, reads and drops what the client still sends for a while, then closes. */
    private void reply(ByteBuffer response) throws IOException {
        client.write(response);
        if (bug == Bug.KEEPS_SOCKET_AFTER_REFUSAL) {
            client.readTimeout(0);
            drain(Long.MAX_VALUE);
            client.close();
            return;
        }
        client.shutdownOutput();
        drain(System.nanoTime() + Linger.TIME.toNanos());
        client.close();
    }

    private void drain(long deadline) {
        byte[] sink = new byte[8192];
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                if (deadline != Long.MAX_VALUE) {
                    client.readTimeout(left);
                }
                if (client.read(sink, 0, sink.length) < 0) {
                    return;
                }
            }
        } catch (IOException gone) {
            // it hung up or reset: the close is all it is owed
        }
    }

    /** A bug: the Host it could not parse is replaced, and the head parsed again. */
    private RequestHead laxHost(ByteArrayOutputStream raw, ByteBuffer rest) throws IOException {
        String text = raw.toString(StandardCharsets.ISO_8859_1).replaceFirst("(?im)^Host:[^\r\n]*", "Host: lax.example");
        ByteBuffer again = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        try {
            RequestHead head = new RequestHeadParser(config.head()).parse(again);
            rest.clear().put(again).flip();
            return head;
        } catch (HeadParseException e) {
            throw new IOException(e);
        }
    }

    /**
     * Reads one head with core's parser before {@code deadlineNanos} (0: none); {@code buffer} keeps
     * what came behind it. {@code raw}, if given, gets every byte read.
     */
    private static <T> T read(MiniLeg leg, HeadParser<T> parser, ByteBuffer buffer, long deadlineNanos,
                              ByteArrayOutputStream raw) throws IOException, HeadParseException {
        while (true) {
            T head = parser.parse(buffer);
            if (head != null) {
                return head;
            }
            if (deadlineNanos != 0) {
                long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("head not complete in time");
                }
                leg.readTimeout(left);
            } else {
                leg.readTimeout(0);
            }
            buffer.clear();
            int n = leg.read(buffer.array(), 0, buffer.capacity());
            if (n < 0) {
                throw new EOFException("closed mid-head");
            }
            if (raw != null) {
                raw.write(buffer.array(), 0, n);
            }
            buffer.limit(n);
        }
    }

    private static int status(ByteBuffer response) {
        String line = StandardCharsets.ISO_8859_1.decode(response.duplicate()).toString();
        return Integer.parseInt(line.substring(9, 12));
    }
}
