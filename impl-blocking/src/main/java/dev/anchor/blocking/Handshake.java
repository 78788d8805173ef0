package dev.anchor.blocking;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Decision;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.HandshakePolicy;
import dev.anchor.core.gateway.TunnelStats;
import dev.anchor.core.handshake.Answer;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.RequestHeadParser;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.route.Backend;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The opening handshake of one client connection, top to bottom on one thread: on a TLS listener
 * the TLS handshake first, then read the request head, ask core what to do, dial, forward the
 * head, read the backend's answer, and either pass it on and close or switch to a {@link Tunnel},
 * whose client-to-backend relay then runs on this same thread. Every status it sends comes from
 * core's {@link HandshakePolicy}; this class only moves bytes and keeps time.
 */
final class Handshake {
    private static final System.Logger LOG = System.getLogger(Handshake.class.getName());
    private static final int HEAD_BUFFER = 8 * 1024;

    private final Leg client;
    private final InetSocketAddress clientAddress;
    private final GatewayRuntime runtime;
    private final GatewayConfig config;
    private final HandshakePolicy handshakes;
    private final Dialer dialer;
    private final Workers workers;
    private final Timekeeper timekeeper;
    private final BufferPool buffers;
    private final Consumer<Handshake> onDone;
    private volatile Socket dialing;
    private volatile Leg upstream;
    private volatile Tunnel tunnel;
    /** A tunnel whose handshake is done, for run() to run on this thread. */
    private Tunnel ready;
    private volatile boolean stopping;

    Handshake(Leg client, GatewayRuntime runtime, Dialer dialer, Workers workers, Timekeeper timekeeper,
              BufferPool buffers, Consumer<Handshake> onDone) {
        this.client = client;
        this.clientAddress = client.remote();
        this.runtime = runtime;
        this.config = runtime.config();
        this.handshakes = runtime.handshakes();
        this.dialer = dialer;
        this.workers = workers;
        this.timekeeper = timekeeper;
        this.buffers = buffers;
        this.onDone = onDone;
    }

    void run() {
        try {
            serve();
        } catch (IOException peerGone) {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + clientAddress + " ended: " + peerGone);
        } catch (RuntimeException bug) {
            LOG.log(System.Logger.Level.WARNING, "connection from " + clientAddress + " failed", bug);
        } finally {
            if (tunnel == null) {
                client.shutdownOutput(); // FIN, after close_notify on TLS; this thread may wait for a write, stop() may not
                closeBoth();
                onDone.accept(this);
            }
        }
        Tunnel opened = ready;
        if (opened != null) {
            // from here, not from inside serve(): the handshake's frames have returned, and with them
            // went its two head buffers, which an idle tunnel on this thread would otherwise keep for life
            ready = null;
            try {
                opened.run(buffers);
            } catch (RuntimeException bug) {
                LOG.log(System.Logger.Level.WARNING, "tunnel from " + clientAddress + " failed", bug);
            }
        }
    }

    // tag::serve[]
    private void serve() throws IOException {
        long deadline = System.nanoTime() + config.timeouts().head().toNanos();
        if (!secured(deadline)) {
            return;
        }
        ByteBuffer fromClient = ByteBuffer.allocate(HEAD_BUFFER).flip();
        RequestHead head;
        try {
            head = HeadReader.read(client, new RequestHeadParser(config.head()), fromClient, deadline);
        } catch (HeadParseException e) {
            ReplyAndLinger.to(client, handshakes.malformed(e));
            return;
        } catch (SocketTimeoutException e) {
            ReplyAndLinger.to(client, handshakes.headTimedOut());
            return;
        } catch (EOFException e) {
            return;
        }
        switch (handshakes.onRequest(head, clientAddress)) {
            case Decision.Reply reply -> ReplyAndLinger.to(client, reply.response());
            case Decision.Forward forward -> forward(forward, fromClient);
        }
    }

    private void forward(Decision.Forward forward, ByteBuffer early) throws IOException {
        Dialer.Dialed dialed = dialer.dial(forward.candidates(), s -> dialing = s, () -> stopping);
        if (dialed.leg() == null) {
            ReplyAndLinger.to(client, handshakes.connectFailed(dialed.failures()));
            return;
        }
        upstream = dialed.leg();
        if (stopping) {
            return;
        }
        ByteBuffer fromBackend = ByteBuffer.allocate(HEAD_BUFFER).flip();
        long deadline = System.nanoTime() + config.timeouts().handshake().toNanos();
        try {
            upstream.write(forward.head());
            while (true) {
                ResponseHead response = HeadReader.read(upstream, new ResponseHeadParser(config.head()),
                        fromBackend, deadline);
                switch (handshakes.onAnswer(forward, response)) {
                    case Answer.Interim interim -> client.write(interim.head());
                    case Answer.Refuse refuse -> {
                        refuse(handshakes.refused(refuse));
                        return;
                    }
                    case Answer.PassOn passed -> {
                        passOnBody(passed, fromBackend);
                        return;
                    }
                    case Answer.Switch switched -> {
                        openTunnel(switched, fromBackend, early, dialed.backend());
                        return;
                    }
                }
            }
        } catch (HeadParseException e) {
            refuse(handshakes.badResponse(e));
        } catch (SocketTimeoutException e) {
            refuse(handshakes.handshakeTimedOut(dialed.backend()));
        } catch (IOException e) {
            refuse(handshakes.backendClosedEarly()); // FIN (EOF) or RST, before it answered
        }
    }
    // end::serve[]

    /**
     * On a TLS listener, the TLS handshake, within the deadline of the head that follows it: a
     * client slow to say hello is held to the time of one slow to send its head. False if it
     * failed (plaintext on the TLS port, only TLS 1.0 or 1.1, no cipher in common, a certificate
     * the client refused) or timed out: the client has had an alert, or nothing, and there is no
     * HTTP to answer it in.
     */
    private boolean secured(long deadline) {
        try {
            client.handshake(deadline);
            return true;
        } catch (SocketTimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "TLS handshake with " + clientAddress
                    + " not finished within timeouts.head (" + config.timeouts().head().toMillis() + " ms); closing");
        } catch (IOException e) {
            if (!stopping) { // a stop closes the socket under the handshake: not the client's failure
                LOG.log(System.Logger.Level.DEBUG, () -> "TLS handshake with " + clientAddress + " failed; closing: " + e);
            }
        }
        return false;
    }

    // tag::open-tunnel[]
    /**
     * Writes the 101 and whatever the backend sent behind it to the client, then whatever the client
     * sent behind its head to the backend: only now, so a backend that refused never sees bytes
     * that were not part of the handshake it judged.
     */
    private void openTunnel(Answer.Switch switched, ByteBuffer fromBackend, ByteBuffer fromClient, Backend backend) {
        TunnelStats stats = runtime.connections().tunnelOpened(clientAddress, backend);
        Tunnel t = new Tunnel(client, upstream, stats, runtime, workers, () -> {
            timekeeper.forget(tunnel);
            onDone.accept(this);
        });
        tunnel = t;
        timekeeper.watch(t);
        if (stopping) {
            t.shutdown();
            return;
        }
        try {
            client.write(switched.head());
            // the handshake's deadlines are over: from here a read waits as long as its peer is quiet
            client.readTimeout(0);
            upstream.readTimeout(0);
        } catch (IOException e) {
            t.failed(Side.CLIENT, e);
            return;
        }
        // frames the backend sent behind its 101, then what the client sent behind its head: only
        // now, so a backend that refused never sees bytes that were not part of the handshake it judged
        if (!carry(t, Side.BACKEND, fromBackend, stats.downstream()) || !carry(t, Side.CLIENT, fromClient, stats.upstream())) {
            return;
        }
        ready = t; // run() runs it, once this handshake's frames are gone
    }
    // end::open-tunnel[]

    private static boolean carry(Tunnel t, Side from, ByteBuffer bytes, dev.anchor.core.gateway.Flow flow) {
        return !bytes.hasRemaining()
                || t.pass(from, bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(), flow);
    }

    /** The backend is of no more use: let it go before lingering on the client. */
    private void refuse(ByteBuffer response) {
        upstream.close();
        ReplyAndLinger.to(client, response);
    }

    /** Passes a refused handshake's response body on as it came, until it is complete. */
    private void passOnBody(Answer.PassOn passed, ByteBuffer buffered) throws IOException {
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
        } catch (HeadParseException malformedBody) {
            LOG.log(System.Logger.Level.DEBUG, () -> "backend body cut short: " + malformedBody.getMessage());
        } catch (SocketTimeoutException stalled) {
            LOG.log(System.Logger.Level.DEBUG, () -> "backend body stalled; closing");
        }
        upstream.close();
        ReplyAndLinger.to(client, ByteBuffer.allocate(0));
    }

    /** The gateway is stopping: end the tunnel, or cut the handshake short. */
    void stop() {
        stopping = true;
        Tunnel t = tunnel;
        if (t != null) {
            t.shutdown();
            return;
        }
        Socket s = dialing;
        if (s != null) {
            try {
                s.close(); // ends a connect that may otherwise wait for the whole connect timeout
            } catch (IOException ignored) {
                // it was closing anyway
            }
        }
        closeBoth();
    }

    private void closeBoth() {
        client.close();
        Leg u = upstream;
        if (u != null) {
            u.close();
        }
    }
}
