package dev.anchor.nio;

import dev.anchor.core.capacity.SlotLease;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.Decision;
import dev.anchor.core.gateway.DialPlan;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.HandshakeRelay;
import dev.anchor.core.gateway.Linger;
import dev.anchor.core.handshake.Answer;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.RequestHeadParser;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import dev.anchor.core.route.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * One client connection from accept to 101 (or to its refusal), as a state machine driven by the
 * loop's events. Where the blocking session reads top to bottom on its own thread, this one is
 * called back: a few bytes of head, a connect that finished, a response that arrived, a queue that
 * drained. Each callback does what it can without waiting and returns. Every status it sends comes
 * from {@link HandshakeRelay}.
 *
 * <p>Owned by its event loop's thread.
 */
final class ClientSession implements LegHandler, Stoppable {
    private static final int HEAD_BUFFER = 8 * 1024;

    /** Where the handshake is; each stage says which events it expects. */
    private enum Stage {
        /** Reading the request head from the client. */
        HEAD,
        /** Connecting to a candidate backend. */
        DIALING,
        /** Waiting for the backend's response head. */
        ANSWER,
        /** Passing a refused handshake's body to the client. */
        RELAYING,
        /** Writing our own response, then draining the client until it hangs up. */
        REPLYING,
        /** Handed over to a {@link Tunnel}. */
        TUNNEL,
        DONE
    }

    private final EventLoop loop;
    private final GatewayRuntime runtime;
    private final GatewayConfig config;
    private final HandshakeRelay relay;
    private final ConnectionRegistry registry;
    private final Leg client;
    private final InetSocketAddress clientAddress;
    private final ByteBuffer fromClient = ByteBuffer.allocate(HEAD_BUFFER).flip();
    private final RequestHeadParser requestParser;
    private Stage stage = Stage.HEAD;
    private Timers.Timer deadline;
    private Decision.Forward forward;
    private DialPlan plan;
    private DialPlan.Attempt attempt;
    private Backend backend;
    private Leg upstream;
    private ByteBuffer fromBackend;
    private ResponseHeadParser responseParser;
    private Answer.Relay relayed;
    private int drained;

    ClientSession(EventLoop loop, SocketChannel channel, GatewayRuntime runtime) {
        this.loop = loop;
        this.runtime = runtime;
        this.config = runtime.config();
        this.relay = runtime.relay();
        this.registry = runtime.connections();
        this.requestParser = new RequestHeadParser(config.head());
        this.client = new Leg(loop, channel, this, registry::clientClosed);
        this.clientAddress = client.remote();
    }

    void start() {
        loop.track(this);
        client.register(false);
        client.reading(true);
        deadline = loop.schedule(config.timeouts().head().toNanos(), () -> reply(relay.headTimedOut()));
    }

    @Override
    public void readable(Leg leg) {
        try {
            if (leg == client) {
                switch (stage) {
                    case HEAD -> readRequestHead();
                    case REPLYING -> discard();
                    default -> leg.reading(false);
                }
            } else {
                switch (stage) {
                    case ANSWER -> readResponseHead();
                    case RELAYING -> relayBody();
                    default -> leg.reading(false);
                }
            }
        } catch (IOException e) {
            failed(leg, e);
        }
    }

    // tag::request-head[]
    private void readRequestHead() throws IOException {
        fromClient.compact();
        int n = client.read(fromClient);
        fromClient.flip();
        if (n < 0) {
            stop(); // it left before finishing its head: nothing to answer
            return;
        }
        RequestHead head;
        try {
            head = requestParser.parse(fromClient);
        } catch (HeadParseException e) {
            reply(relay.malformed(e));
            return;
        }
        if (head == null) {
            return; // more to come; the deadline is still running
        }
        deadline.cancel();
        client.reading(false); // whatever comes next waits in the kernel until there is a tunnel
        switch (relay.onRequest(head, clientAddress)) {
            case Decision.Reply r -> reply(r.response());
            case Decision.Forward f -> {
                forward = f;
                plan = new DialPlan(registry, f.candidates());
                dialNext();
            }
        }
    }
    // end::request-head[]

    // tag::dial[]
    /**
     * Starts a non-blocking connect to the next candidate that has a free source slot, bound to
     * that slot in pool mode, with its deadline on the loop's timer.
     */
    private void dialNext() {
        attempt = plan.next();
        if (attempt == null) {
            reply(relay.connectFailed(plan.failures()));
            return;
        }
        stage = Stage.DIALING;
        backend = attempt.backend();
        Backend b = backend;
        SlotLease lease = attempt.lease();
        ConnectionRegistry accounts = registry; // the close callback must not capture this session
        Runnable closed = () -> accounts.upstreamClosed(b, lease);
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) { // no descriptor left, say
            plan.failed(attempt, e);
            closed.run();
            dialNext();
            return;
        }
        upstream = new Leg(loop, channel, this, closed);
        try {
            channel.configureBlocking(false);
        } catch (IOException e) {
            connected(upstream, e); // closes it, and tries the next
            return;
        }
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Options.apply(channel, config.tcpBackend());
            Optional<InetSocketAddress> source = lease.bindAddress();
            if (source.isPresent()) {
                // the pair serves other backends at the same time; only the 4-tuple must be unique
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(source.get());
            }
            boolean now = channel.connect(b.address());
            upstream.register(!now);
            if (now) {
                connected(upstream, null);
            } else {
                deadline = loop.schedule(config.timeouts().connect().toNanos(),
                        () -> connected(upstream, new SocketTimeoutException("connect timed out")));
            }
        } catch (IOException e) {
            // an option, the bind or the connect refused at once: not registered, closed as it fails
            connected(upstream, e);
        } catch (RuntimeException e) { // an option this platform refuses
            connected(upstream, new IOException(e));
        }
    }

    @Override
    public void connected(Leg leg, IOException failure) {
        if (stage != Stage.DIALING || leg != upstream) {
            return;
        }
        if (deadline != null) {
            deadline.cancel();
        }
        if (failure != null) {
            plan.failed(attempt, failure); // before the close: a slot the kernel refused is set aside, not freed
            upstream.close();
            upstream = null;
            dialNext();
            return;
        }
        stage = Stage.ANSWER;
        upstream.send(forward.head()); // what the client sent behind its head waits for the 101
        fromBackend = ByteBuffer.allocate(HEAD_BUFFER).flip();
        responseParser = new ResponseHeadParser(config.head());
        upstream.reading(true);
        deadline = loop.schedule(config.timeouts().handshake().toNanos(), () -> {
            if (stage == Stage.ANSWER) {
                reply(relay.handshakeTimedOut());
            }
        });
    }

    // end::dial[]

    private void readResponseHead() throws IOException {
        fromBackend.compact();
        int n = upstream.read(fromBackend);
        fromBackend.flip();
        if (n < 0) {
            reply(relay.backendClosedEarly());
            return;
        }
        while (stage == Stage.ANSWER) {
            ResponseHead head;
            try {
                head = responseParser.parse(fromBackend);
            } catch (HeadParseException e) {
                reply(relay.badResponse(e));
                return;
            }
            if (head == null) {
                return;
            }
            switch (relay.onAnswer(forward, head)) {
                case Answer.Interim interim -> {
                    client.send(interim.head());
                    responseParser = new ResponseHeadParser(config.head());
                }
                case Answer.Refuse refuse -> reply(relay.refused(refuse));
                case Answer.Relay r -> startRelay(r);
                case Answer.Switch s -> openTunnel(s);
            }
        }
    }

    // tag::switch[]
    private void openTunnel(Answer.Switch switched) {
        deadline.cancel();
        stage = Stage.TUNNEL;
        loop.untrack(this); // from here the tunnel is what the loop must stop; this session is garbage
        Tunnel tunnel = new Tunnel(loop, client, upstream, registry.tunnelOpened(clientAddress, backend), runtime);
        // the 101, then the frames the backend sent in the same segment as it, then what the client
        // sent behind its head: only now, so a backend that refused never sees them
        tunnel.start(switched.head(), fromBackend, fromClient);
    }
    // end::switch[]

    private void startRelay(Answer.Relay r) {
        deadline.cancel();
        deadline = loop.schedule(config.timeouts().handshake().toNanos(), this::finishRelay);
        stage = Stage.RELAYING;
        relayed = r;
        client.send(r.head());
        relayBody();
    }

    /** Passes body bytes on as they come; waits for the client to drain before reading more. */
    private void relayBody() {
        try {
            if (!fromBackend.hasRemaining()) {
                fromBackend.clear();
                int n = upstream.read(fromBackend);
                fromBackend.flip();
                if (n < 0) {
                    finishRelay();
                    return;
                }
                deadline.cancel(); // a body that stops coming gets the handshake timeout, again
                deadline = loop.schedule(config.timeouts().handshake().toNanos(), this::finishRelay);
            }
            int n = relayed.body().take(fromBackend);
            ByteBuffer slice = fromBackend.slice(fromBackend.position(), n);
            fromBackend.position(fromBackend.position() + n);
            client.send(slice);
            if (relayed.body().complete()) {
                finishRelay();
            } else {
                upstream.reading(!client.hasPending());
            }
        } catch (IOException | HeadParseException e) {
            finishRelay();
        }
    }

    private void finishRelay() {
        if (stage == Stage.RELAYING) {
            reply(ByteBuffer.allocate(0));
        }
    }

    // tag::reply[]
    /**
     * Sends the gateway's own response, then FIN, then reads and discards until the client hangs
     * up (bounded in time and bytes): closing with unread input would send RST and could destroy
     * the response before the client reads it.
     */
    private void reply(ByteBuffer response) {
        if (stage == Stage.REPLYING || stage == Stage.DONE) {
            return;
        }
        stage = Stage.REPLYING;
        if (deadline != null) {
            deadline.cancel();
        }
        if (upstream != null) {
            upstream.close();
        }
        client.reading(false);
        if (client.send(response)) {
            linger();
        } // else drained() lingers once it is all written
    }

    private void linger() {
        client.shutdownOutput();
        client.reading(true);
        deadline = loop.schedule(Linger.TIME.toNanos(), this::stop);
    }
    // end::reply[]

    private void discard() throws IOException {
        int n = client.read(loop.scratch().clear());
        drained += Math.max(0, n);
        if (n < 0 || drained >= Linger.BYTES) {
            stop();
        }
    }

    @Override
    public void drained(Leg leg) {
        if (leg == client && stage == Stage.REPLYING) {
            linger();
        } else if (leg == client && stage == Stage.RELAYING && !upstream.isClosed()) {
            upstream.reading(true);
        }
    }

    /** Reading or writing failed: the client is gone, or the backend failed before it answered. */
    @Override
    public void failed(Leg leg, IOException e) {
        if (leg == upstream && stage == Stage.ANSWER) {
            reply(relay.backendClosedEarly());
        } else if (leg == upstream && stage == Stage.RELAYING) {
            finishRelay();
        } else {
            stop();
        }
    }

    /** Ends the handshake wherever it is: the gateway is stopping, or a peer is gone. */
    @Override
    public void stop() {
        if (stage == Stage.TUNNEL || stage == Stage.DONE) {
            return;
        }
        stage = Stage.DONE;
        if (deadline != null) {
            deadline.cancel();
        }
        client.close();
        if (upstream != null) {
            upstream.close();
        }
        loop.untrack(this);
    }
}
