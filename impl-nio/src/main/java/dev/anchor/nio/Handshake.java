package dev.anchor.nio;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.ConnectFailure;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.Decision;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.HandshakePolicy;
import dev.anchor.core.handshake.Answer;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.RequestHeadParser;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import dev.anchor.core.route.Backend;
import dev.anchor.core.tls.ServerTls;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The opening handshake of one client connection, from accept to 101 (or to its refusal), as a
 * state machine driven by the loop's events. Where the blocking handshake reads top to bottom on
 * its own thread, this one is called back: a few bytes of head, a dial that finished, a response
 * that arrived, a queue that drained. Each callback does what it can without waiting and returns.
 * Every status it sends comes from core's {@link HandshakePolicy}.
 *
 * <p>Owned by its event loop's thread.
 */
final class Handshake implements LegHandler, Stoppable, Dialer.Outcome {

    /** Where the handshake is; each stage says which events it expects. */
    private enum Stage {
        /** Reading the request head from the client. */
        HEAD,
        /** The {@link Dialer} is connecting to a backend. */
        DIALING,
        /** Waiting for the backend's response head. */
        ANSWER,
        /** Passing a refused handshake's answer, head and body, on to the client. */
        PASSING_ON,
        /** Handed over to a {@link Tunnel}. */
        TUNNEL,
        /** Answered and lingering, or stopped. */
        DONE
    }

    private final EventLoop loop;
    private final GatewayRuntime runtime;
    private final GatewayConfig config;
    private final HandshakePolicy handshakes;
    private final ConnectionRegistry registry;
    private final Leg client;
    private final InetSocketAddress clientAddress;
    private final HeadReader<RequestHead> requests;
    private Stage stage = Stage.HEAD;
    private Timekeeper.Timer deadline;
    private Decision.Forward forward;
    private Dialer dialer;
    private Backend backend;
    private Leg upstream;
    private HeadReader<ResponseHead> answers;
    private Answer.PassOn passing;

    Handshake(EventLoop loop, SocketChannel channel, GatewayRuntime runtime) {
        this.loop = loop;
        this.runtime = runtime;
        this.config = runtime.config();
        this.handshakes = runtime.handshakes();
        this.registry = runtime.connections();
        this.requests = new HeadReader<>(() -> new RequestHeadParser(config.head()));
        this.client = new Leg(loop, channel, wire(loop, channel, runtime.tls()), this, registry::clientClosed);
        this.clientAddress = client.remote();
    }

    /** The client's wire: TLS if the listener has it (the head deadline, running from now, covers its handshake too), else the socket. */
    private static Wire wire(EventLoop loop, SocketChannel channel, ServerTls tls) {
        if (tls == null) {
            return new PlainWire(channel);
        }
        try {
            return new TlsWire(loop, channel, tls.newEngine());
        } catch (SSLException e) {
            throw new IllegalStateException("a new TLS engine would not begin a handshake", e);
        }
    }

    void start() {
        loop.track(this);
        client.register(false);
        client.reading(true);
        deadline = loop.schedule(config.timeouts().head().toNanos(), () -> reply(handshakes.headTimedOut()));
    }

    @Override
    public void readable(Leg leg) {
        try {
            if (leg == client && stage == Stage.HEAD) {
                readRequestHead();
            } else if (leg == upstream && stage == Stage.ANSWER) {
                readResponseHead();
            } else if (leg == upstream && stage == Stage.PASSING_ON) {
                passOnBody();
            } else {
                leg.reading(false); // whatever it sends next waits in the kernel until there is a tunnel
            }
        } catch (IOException e) {
            failed(leg, e);
        }
    }

    // tag::request-head[]
    private void readRequestHead() throws IOException {
        RequestHead head;
        try {
            head = requests.read(client);
        } catch (EOFException e) {
            stop(); // it left before finishing its head: nothing to answer
            return;
        } catch (HeadParseException e) {
            reply(handshakes.malformed(e));
            return;
        }
        if (head == null) {
            return; // more to come; the deadline is still running
        }
        deadline.cancel();
        // reading stays on: a client that sends more before the 101 is turned off in readable(), and
        // one that does not (nearly all) costs no epoll_ctl to turn it off and on again
        switch (handshakes.onRequest(head, clientAddress)) {
            case Decision.Reply r -> reply(r.response());
            case Decision.Forward f -> {
                forward = f;
                stage = Stage.DIALING;
                dialer = new Dialer(loop, runtime, f.candidates(), this);
                dialer.next();
            }
        }
    }
    // end::request-head[]

    // tag::dialed[]
    @Override
    public void dialed(Leg connected, Backend to) {
        if (stage != Stage.DIALING) {
            connected.close(); // the client left while the dial was finishing
            return;
        }
        stage = Stage.ANSWER;
        upstream = connected;
        backend = to;
        upstream.handler(this);
        upstream.send(forward.head()); // what the client sent behind its head waits for the 101
        answers = new HeadReader<>(() -> new ResponseHeadParser(config.head()));
        upstream.reading(true);
        deadline = loop.schedule(config.timeouts().handshake().toNanos(), () -> {
            if (stage == Stage.ANSWER) {
                reply(handshakes.handshakeTimedOut(backend));
            }
        });
    }

    @Override
    public void failed(List<ConnectFailure> failures) {
        reply(handshakes.connectFailed(failures));
    }
    // end::dialed[]

    private void readResponseHead() throws IOException {
        ResponseHead head;
        try {
            head = answers.read(upstream);
        } catch (EOFException e) {
            reply(handshakes.backendClosedEarly());
            return;
        } catch (HeadParseException e) {
            reply(handshakes.badResponse(e));
            return;
        }
        while (head != null && stage == Stage.ANSWER) {
            switch (handshakes.onAnswer(forward, head)) {
                case Answer.Interim interim -> client.send(interim.head());
                case Answer.Refuse refuse -> reply(handshakes.refused(refuse));
                case Answer.PassOn passOn -> startPassingOn(passOn);
                case Answer.Switch switched -> openTunnel(switched);
            }
            try {
                head = stage == Stage.ANSWER ? answers.next() : null; // a 1xx may have the next head behind it
            } catch (HeadParseException e) {
                reply(handshakes.badResponse(e));
                return;
            }
        }
    }

    // tag::switch[]
    private void openTunnel(Answer.Switch switched) {
        deadline.cancel();
        stage = Stage.TUNNEL;
        loop.untrack(this); // from here the tunnel is what the loop must stop; this handshake is garbage
        Tunnel tunnel = new Tunnel(loop, client, upstream, registry.tunnelOpened(clientAddress, backend), runtime);
        // the 101, then the frames the backend sent in the same segment as it, then what the client
        // sent behind its head: only now, so a backend that refused never sees them
        tunnel.start(switched.head(), answers.rest(), requests.rest());
    }
    // end::switch[]

    private void startPassingOn(Answer.PassOn passOn) {
        deadline.cancel();
        deadline = loop.schedule(config.timeouts().handshake().toNanos(), this::donePassingOn);
        stage = Stage.PASSING_ON;
        passing = passOn;
        client.send(passOn.head());
        passOnBody();
    }

    /** Passes body bytes on as they come; waits for the client to drain before reading more. */
    private void passOnBody() {
        ByteBuffer fromBackend = answers.rest();
        try {
            if (!fromBackend.hasRemaining()) {
                fromBackend.clear();
                int n = upstream.read(fromBackend);
                fromBackend.flip();
                if (n < 0) {
                    donePassingOn();
                    return;
                }
                deadline.cancel(); // a body that stops coming gets the handshake timeout, again
                deadline = loop.schedule(config.timeouts().handshake().toNanos(), this::donePassingOn);
            }
            int n = passing.body().take(fromBackend);
            ByteBuffer slice = fromBackend.slice(fromBackend.position(), n);
            fromBackend.position(fromBackend.position() + n);
            client.send(slice);
            if (passing.body().complete()) {
                donePassingOn();
            } else {
                upstream.reading(!client.hasPending());
            }
        } catch (IOException | HeadParseException e) {
            donePassingOn();
        }
    }

    private void donePassingOn() {
        if (stage == Stage.PASSING_ON) {
            reply(ByteBuffer.allocate(0));
        }
    }

    // tag::reply[]
    /**
     * Sends the gateway's own response (or nothing more, after a backend's answer), then ends the
     * client leg as {@link Leg#finish} does: FIN, then reading and dropping until the client hangs
     * up, bounded in time and bytes. The leg lingers on its own; this handshake is done.
     */
    private void reply(ByteBuffer response) {
        if (stage == Stage.DONE || stage == Stage.TUNNEL) {
            return;
        }
        stage = Stage.DONE;
        if (deadline != null) {
            deadline.cancel();
        }
        if (dialer != null) {
            dialer.stop();
        }
        if (upstream != null) {
            upstream.close();
        }
        loop.untrack(this);
        client.finish(response);
    }
    // end::reply[]

    @Override
    public void drained(Leg leg) {
        if (leg == client && stage == Stage.PASSING_ON && !upstream.isClosed()) {
            upstream.reading(true);
        }
    }

    /** Reading or writing failed: the client is gone, or the backend failed before it answered. */
    @Override
    public void failed(Leg leg, IOException e) {
        if (leg == upstream && stage == Stage.ANSWER) {
            reply(handshakes.backendClosedEarly());
        } else if (leg == upstream && stage == Stage.PASSING_ON) {
            donePassingOn();
        } else {
            stop();
        }
    }

    /** Ends the handshake wherever it is: the gateway is stopping, or the client is gone. */
    @Override
    public void stop() {
        if (stage == Stage.TUNNEL || stage == Stage.DONE) {
            return;
        }
        stage = Stage.DONE;
        if (deadline != null) {
            deadline.cancel();
        }
        if (dialer != null) {
            dialer.stop();
        }
        client.close();
        if (upstream != null) {
            upstream.close();
        }
        loop.untrack(this);
    }
}
