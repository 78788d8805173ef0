package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.Background;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Fixture;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.Connection;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.RawResponse;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.lifecycle.DrainReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Draining: a gateway that stops, or that asks one tunnel to go, says so to both endpoints with a
 * Close 1001 ("going away") between two frames, spreads those goodbyes so that the clients do not
 * all come back at once, stops taking new tunnels, and is done by its deadline whatever the peers do.
 */
public abstract class DrainRules extends RuleGroup {
    /** Long enough never to matter within a test. */
    static final Duration NEVER = Duration.ofMinutes(10);
    /** How much later than a deadline the gateway may act, and the peer notice. */
    static final Duration SLACK = TestTime.scaled(Duration.ofSeconds(1));

    protected DrainRules(Subject subject) {
        super(subject);
    }

    // tag::drain-01[]
    @Test
    @Conforms(Rule.DRAIN_01)
    void drain01_everyEndpointHearsGoingAway() throws Exception {
        Duration timeout = TestTime.scaled(Duration.ofSeconds(10));
        Tunnels t = tunnels(100, c -> quietPings(c).drain(timeout, TestTime.scaled(Duration.ofMillis(500))));

        long began = System.nanoTime();
        CompletableFuture<DrainReport> drained = fx.drain(t.gateway());

        for (int i = 0; i < t.clients().size(); i++) {
            assertThat(goodbye(t.clients().get(i), "client " + i).closeCode()).as("client %d", i).isEqualTo(1001);
            assertThat(t.clients().get(i).awaitEnd(TestTime.PROMPT)).as("client %d: then FIN", i).isEqualTo(Ending.EOF);
            t.clients().get(i).close(); // as a client that heard the Close would
        }
        for (int i = 0; i < t.backends().size(); i++) {
            assertThat(goodbye(t.backends().get(i), "backend " + i).closeCode()).as("backend %d", i).isEqualTo(1001);
            t.backends().get(i).close();
        }
        awaitDrained(drained, timeout.plus(SLACK), began);
    }
    // end::drain-01[]

    @Test
    @Conforms(Rule.DRAIN_02)
    void drain02_goodbyesAreSpreadOverTheWindow() throws Exception {
        Duration spread = TestTime.scaled(Duration.ofSeconds(2));
        Tunnels t = tunnels(20, c -> quietPings(c).drain(spread.multipliedBy(5), spread));
        List<Future<Long>> heard = new ArrayList<>();
        long began = System.nanoTime();
        for (int i = 0; i < t.clients().size(); i++) {
            RawClient client = t.clients().get(i);
            String who = "client " + i;
            heard.add(Background.start("drain-listener-" + i, () -> {
                goodbye(client, who);
                return System.nanoTime() - began;
            }));
        }
        fx.drain(t.gateway());

        List<Long> at = new ArrayList<>();
        for (Future<Long> h : heard) {
            at.add(Background.await(h));
        }
        long first = at.stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = at.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(Duration.ofNanos(last)).as("every Close within drain.spread").isLessThanOrEqualTo(spread.plus(SLACK));
        // 20 moments drawn uniformly from the window all fall in a quarter of it with a chance of 1 in 10^10
        assertThat(Duration.ofNanos(last - first)).as("the Closes are spread, not sent at once")
                .isGreaterThanOrEqualTo(spread.dividedBy(4));
    }

    @Test
    @Conforms(Rule.DRAIN_03)
    void drain03_aDrainEndsByItsDeadline() throws Exception {
        Duration timeout = TestTime.scaled(Duration.ofSeconds(2));
        Tunnels t = tunnels(2, c -> quietPings(c).drain(timeout, Duration.ZERO));
        // the second tunnel is inside a frame that never ends: its Close can never be placed
        t.backends().get(1).write(new byte[] {(byte) 0x82, 100, 1, 2, 3});
        assertThat(t.clients().get(1).readExactly(5)).hasSize(5);

        long began = System.nanoTime();
        CompletableFuture<DrainReport> drained = fx.drain(t.gateway());
        // the first client hears its Close and ignores it: it neither answers nor closes
        assertThat(goodbye(t.clients().get(0), "client 0").closeCode()).isEqualTo(1001);

        awaitDrained(drained, timeout.plus(SLACK), began);
        stopped(t.gateway());
        for (Connection peer : List.of(t.clients().get(0), t.clients().get(1), t.backends().get(1))) {
            assertThat(peer.awaitEnd(TestTime.PROMPT)).as("after the deadline every connection is closed").isNotEqualTo(Ending.OPEN);
        }
    }

    @Test
    @Conforms(Rule.DRAIN_04)
    void drain04_aDrainingGatewayTakesNoNewTunnels() throws Exception {
        Duration timeout = TestTime.scaled(Duration.ofSeconds(30));
        Tunnels t = tunnels(1, c -> c.drain(timeout, TestTime.scaled(Duration.ofSeconds(1))));
        fx.drain(t.gateway());

        // a process hears its SIGTERM a moment later: the answer may take that moment to change
        Await.until("/healthz to answer 503 while draining", TestTime.PROMPT, () -> get(t.gateway(), "/healthz").status(),
                status -> status == 503);

        RawClient late = fx.raw(t.gateway());
        late.sendUpgrade("/");
        RawResponse refused = late.readResponseHead();
        assertThat(refused.status()).as("an upgrade while draining").isEqualTo(503);
        assertThat(refused.field("Retry-After")).as("Retry-After").isPresent();
        assertThat(t.backend().connections()).as("connections the backend accepted").isEqualTo(1);

        // the live tunnel, in off mode, is left alone until the end of the drain
        byte[] up = "still here".getBytes(StandardCharsets.US_ASCII);
        t.clients().get(0).write(up);
        assertThat(t.backends().get(0).readExactly(up.length)).isEqualTo(up);
        t.backends().get(0).write(up);
        assertThat(t.clients().get(0).readExactly(up.length)).isEqualTo(up);
    }

    // tag::drain-05[]
    @Test
    @Conforms(Rule.DRAIN_05)
    void drain05_offModeTunnelsRunUntilTheEndThenGetFin() throws Exception {
        Duration timeout = TestTime.scaled(Duration.ofSeconds(3));
        Duration spread = TestTime.scaled(Duration.ofSeconds(1));
        Tunnels t = tunnels(1, c -> c.drain(timeout, spread));
        RawClient client = t.clients().get(0);
        BackendConnection backend = t.backends().get(0);

        long began = System.nanoTime();
        CompletableFuture<DrainReport> drained = fx.drain(t.gateway());
        byte[] bytes = "not a frame, just bytes".getBytes(StandardCharsets.US_ASCII);
        client.write(bytes);
        assertThat(backend.readExactly(bytes.length)).isEqualTo(bytes);

        Connection.Received atClient = client.readToEnd(timeout.plus(SLACK));
        long ended = System.nanoTime() - began;
        assertThat(atClient.data()).as("nothing the backend did not send, no Close frame").isEmpty();
        assertThat(atClient.ending()).isEqualTo(Ending.EOF);
        assertThat(Duration.ofNanos(ended)).as("FIN within the last drain.spread before drain.timeout")
                .isBetween(timeout.minus(spread), timeout.plus(SLACK));
        Connection.Received atBackend = backend.readToEnd(TestTime.PROMPT);
        assertThat(atBackend.data()).as("at the backend, no Close frame").isEmpty();
        assertThat(atBackend.ending()).isEqualTo(Ending.EOF);
        client.close();
        backend.close();
        awaitDrained(drained, timeout.plus(SLACK), began);
    }
    // end::drain-05[]

    @Test
    @Conforms(Rule.DRAIN_06)
    void drain06_theCloseWaitsForTheFrameToEnd() throws Exception {
        Tunnels t = tunnels(1, c -> quietPings(c).drain(TestTime.scaled(Duration.ofSeconds(10)), Duration.ZERO));
        RawClient client = t.clients().get(0);
        BackendConnection backend = t.backends().get(0);
        byte[] frame = Frame.binary(new byte[100]).encode(false, null);
        backend.write(Arrays.copyOf(frame, 12));
        assertThat(client.readExactly(12)).hasSize(12);

        fx.drain(t.gateway());
        // a Close to the backend now would have the gateway drop the rest of its frame: both wait
        assertThat(client.quietFor(TestTime.QUIET)).as("nothing goes in the middle of the frame").isTrue();
        assertThat(backend.quietFor(TestTime.QUIET)).as("the backend is not told to go while its frame is under way").isTrue();

        backend.write(Arrays.copyOfRange(frame, 12, frame.length));
        assertThat(client.readExactly(frame.length - 12)).as("the rest of the frame, whole")
                .isEqualTo(Arrays.copyOfRange(frame, 12, frame.length));
        assertThat(goodbye(client, "client").closeCode()).isEqualTo(1001);
        assertThat(goodbye(backend, "backend").closeCode()).isEqualTo(1001);
    }

    @Test
    @Conforms(Rule.DRAIN_07)
    void drain07_aTunnelPastItsLifetimeIsAskedToGo() throws Exception {
        Duration lifetime = TestTime.scaled(Duration.ofSeconds(2));
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(quietPings(fx.config(backend.address())).tunnelMaxLifetime(lifetime).build());
        RawClient client = fx.raw(gateway);
        long opened = System.nanoTime(); // the tunnel's age starts at its 101, after this
        client.upgrade("/");

        Frame atClient = goodbye(client, "client");
        long heard = System.nanoTime() - opened;
        assertThat(atClient.closeCode()).isEqualTo(1001);
        assertThat(goodbye(backend.awaitConnection(TestTime.PROMPT), "backend").closeCode()).isEqualTo(1001);
        assertThat(Duration.ofNanos(heard)).as("between 90% and 100% of tunnel.max-lifetime")
                .isBetween(lifetime.multipliedBy(9).dividedBy(10), lifetime.plus(SLACK));
    }

    // --- helpers -----------------------------------------------------------------------------

    /** A gateway in front of one scripted backend that switches, and {@code n} raw clients that have switched. */
    record Tunnels(Gateway gateway, ScriptedBackend backend, List<RawClient> clients, List<BackendConnection> backends) {
    }

    Tunnels tunnels(int n, UnaryOperator<GatewayConfig.Builder> tweak) throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(tweak.apply(fx.config(backend.address())).build());
        List<RawClient> clients = new ArrayList<>();
        List<BackendConnection> backends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawClient c = fx.raw(gateway);
            c.upgrade("/");
            clients.add(c);
            backends.add(backend.awaitConnection(TestTime.PROMPT));
        }
        return new Tunnels(gateway, backend, clients, backends);
    }

    /** Ping mode, so that the gateway follows frames, with Pings too rare to appear in a test. */
    static GatewayConfig.Builder quietPings(GatewayConfig.Builder c) {
        return HeartbeatRules.pinging(c, HeartbeatRules.leg(NEVER, NEVER), HeartbeatRules.leg(NEVER, NEVER));
    }

    /** The Close the gateway sent {@code peer}; a connection that ends, or stays silent, without one fails the rule. */
    static Frame goodbye(Connection peer, String who) throws IOException {
        try {
            Frame f = HeartbeatRules.skipGatewayPings(peer);
            assertThat(f.opcode()).as(who + ": the next frame is a Close").isEqualTo(Frame.CLOSE);
            return f;
        } catch (SocketTimeoutException e) {
            throw new AssertionError(who + " got no Close frame in time", e);
        } catch (java.io.EOFException | SocketException e) {
            throw new AssertionError(who + " got no Close frame: the connection ended without one (" + e + ")", e);
        }
    }

    /** The drain is over within {@code limit} of {@code began}, with nothing left at its deadline. */
    static DrainReport awaitDrained(CompletableFuture<DrainReport> drained, Duration limit, long began)
            throws InterruptedException, ExecutionException {
        try {
            return drained.get(Math.max(1, limit.toNanos() - (System.nanoTime() - began)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the drain was not over within " + limit.toMillis() + " ms", e);
        }
    }

    /** The gateway is stopped, as the process that drained it stops it (a process target has exited already). */
    void stopped(Gateway gateway) {
        gateway.close();
    }

    static RawResponse get(Gateway gateway, String path) {
        try (RawClient c = Fixture.connect(gateway)) {
            c.write("GET " + path + " HTTP/1.1\r\nHost: " + c.host() + "\r\nConnection: close\r\n\r\n");
            return c.readResponse();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path, e);
        }
    }
}
