package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.Background;
import dev.anchor.conformance.Capability;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Fixture;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Seeds;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.halfopen.HalfOpen;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.targets.StartRefused;
import dev.anchor.conformance.peers.Connection;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.Payloads;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.config.TcpOptions;
import dev.anchor.core.gateway.Gateway;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats: in ping mode the gateway finds a leg that stopped answering and closes the tunnel
 * properly, and it does so without ever disturbing the stream: its Pings go only between frames,
 * the Pongs to them never reach the other side, and everything else passes untouched.
 */
public abstract class HeartbeatRules extends RuleGroup {
    /** Short enough to fire many times in a test, long enough to be well above scheduling noise. */
    static final Duration INTERVAL = TestTime.scaled(Duration.ofMillis(300));
    static final Duration TIMEOUT = TestTime.scaled(Duration.ofMillis(300));
    /** How much later than interval + timeout a death may be noticed and acted on. */
    static final Duration SLACK = TestTime.scaled(Duration.ofSeconds(1));
    /** Long enough never to matter within a test. */
    static final Duration NEVER = Duration.ofMinutes(10);

    protected HeartbeatRules(Subject subject) {
        super(subject);
    }

    // tag::hb-01[]
    @Test
    @Conforms(Rule.HB_01)
    void hb01_aSilentClientIsFoundDead() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(INTERVAL, TIMEOUT), leg(NEVER, NEVER)));
        long opened = System.nanoTime(); // the gateway's clock starts at the 101, not at its own start

        // the client reads nothing and answers nothing, but keeps its connection open
        Frame close = t.backend().readFrame();
        long noticed = System.nanoTime() - opened;

        assertThat(close.opcode()).isEqualTo(Frame.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1001);
        assertThat(t.backend().awaitEnd(TestTime.PROMPT)).as("then FIN").isEqualTo(Ending.EOF);
        assertThat(Duration.ofNanos(noticed)).isLessThanOrEqualTo(INTERVAL.plus(TIMEOUT).plus(SLACK));
        fx.whereOffered(Capability.METRICS, () -> awaitMetric(t.gateway(), death("client", "heartbeat")));
    }
    // end::hb-01[]

    @Test
    @Conforms(Rule.HB_02)
    void hb02_aSilentBackendIsFoundDead() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(NEVER, NEVER), leg(INTERVAL, TIMEOUT)));
        long opened = System.nanoTime(); // the gateway's clock starts at the 101, not at its own start

        Frame close = t.client().readFrame();
        long noticed = System.nanoTime() - opened;

        assertThat(close.opcode()).isEqualTo(Frame.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1001);
        assertThat(t.client().awaitEnd(TestTime.PROMPT)).as("then FIN").isEqualTo(Ending.EOF);
        assertThat(Duration.ofNanos(noticed)).isLessThanOrEqualTo(INTERVAL.plus(TIMEOUT).plus(SLACK));
        fx.whereOffered(Capability.METRICS, () -> awaitMetric(t.gateway(), death("backend", "heartbeat")));
    }

    @Test
    @Conforms(Rule.HB_03)
    void hb03_talkingLegsAreNeverPinged() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(INTERVAL, TIMEOUT), leg(INTERVAL, TIMEOUT)));
        long until = System.nanoTime() + INTERVAL.multipliedBy(4).toNanos();

        for (int i = 0; System.nanoTime() < until; i++) {
            Frame up = Frame.text("up " + i);
            t.client().send(up);
            assertThat(t.backend().readFrame()).as("the backend gets only what the client sent").isEqualTo(up);
            Frame down = Frame.text("down " + i);
            t.backend().send(down);
            assertThat(t.client().readFrame()).as("the client gets only what the backend sent").isEqualTo(down);
            TestTime.pace(INTERVAL.dividedBy(3));
        }
        assertThat(metrics(t.gateway())).doesNotContainPattern("anchor_heartbeat_pings_total\\{[^}]*} [1-9]");
    }

    @Test
    @Conforms(Rule.HB_04)
    void hb04_gatewayPongsStayOurOwnEndpointPingsPass() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(INTERVAL, NEVER), leg(NEVER, NEVER)));
        List<Frame> atBackend = new ArrayList<>();
        Frame done = Frame.text("done");
        Future<Void> backendReads = Background.start("backend-reader", () -> {
            for (Frame f = t.backend().readFrame(); !f.equals(done); f = t.backend().readFrame()) {
                atBackend.add(f);
            }
            return null;
        });

        // the client answers the gateway's Pings as RFC 6455 says, for a few intervals
        int answered = 0;
        long until = System.nanoTime() + INTERVAL.multipliedBy(4).toNanos();
        while (System.nanoTime() < until || answered < 2) {
            Frame f = t.client().readFrame();
            assertThat(f.opcode()).as("the backend sent nothing, so only the gateway's Pings arrive").isEqualTo(Frame.PING);
            t.client().send(Frame.pong(f.payload()));
            answered++;
        }
        Frame ownPing = Frame.ping("the client's own ping".getBytes(StandardCharsets.UTF_8));
        Frame ownPong = Frame.pong("unsolicited".getBytes(StandardCharsets.UTF_8));
        t.client().send(ownPing);
        t.client().send(ownPong);
        t.client().send(done);
        Background.await(backendReads);

        assertThat(atBackend).as("exactly the client's own frames, none of its Pongs to the gateway")
                .containsExactly(ownPing, ownPong);
        Frame backendPing = Frame.ping("the backend's own ping".getBytes(StandardCharsets.UTF_8));
        t.backend().send(backendPing);
        assertThat(skipGatewayPings(t.client(), backendPing)).isEqualTo(backendPing);
        fx.whereOffered(Capability.METRICS, () -> awaitMetric(t.gateway(), "anchor_heartbeat_pongs_total\\{[^}]*leg=\"client\"[^}]*} [1-9]"));
    }

    @Test
    @Conforms(Rule.HB_05)
    void hb05_pingsAreWholeAndMaskedTheRightWay() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(INTERVAL, NEVER), leg(INTERVAL, NEVER)));

        // the peers' readers check the masking: a client must see unmasked frames, a server masked ones
        Frame toClient = t.client().readFrame();
        Frame toBackend = t.backend().readFrame();

        for (Frame ping : List.of(toClient, toBackend)) {
            assertThat(ping.opcode()).isEqualTo(Frame.PING);
            assertThat(ping.fin()).isTrue();
            assertThat(ping.payload().length).isLessThanOrEqualTo(125);
        }
    }

    @Test
    @Conforms(Rule.HB_06)
    void hb06_pingsNeverGoInsideAFrame() throws Exception {
        Duration quick = TestTime.scaled(Duration.ofMillis(50));
        // made before the tunnel opens: the first Ping falls due one interval after the 101, and
        // it must find the frame already under way, not wait behind 16 MiB being built
        byte[] payload = Payloads.pattern(11, 16 << 20);
        byte[] big = Frame.binary(payload).encode(false, new Random(1));
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(quick, NEVER), leg(NEVER, NEVER)));

        // the client is silent, so Pings to it fall due again and again while this frame is on its way
        Future<Void> send = Background.start("backend-sender", () -> {
            for (int at = 0; at < big.length; at += 64 * 1024) {
                t.backend().write(java.util.Arrays.copyOfRange(big, at, Math.min(big.length, at + 64 * 1024)));
                if (at % (1 << 20) == 0) {
                    TestTime.pace(quick);
                }
            }
            return null;
        });
        Frame arrived = skipGatewayPings(t.client());
        Background.await(send, 4);
        assertThat(arrived.opcode()).isEqualTo(Frame.BINARY);
        assertThat(arrived.payload()).isEqualTo(payload);

        List<Frame> message = List.of(
                new Frame(false, 0, Frame.TEXT, "first ".getBytes(StandardCharsets.UTF_8)),
                Frame.ping("between".getBytes(StandardCharsets.UTF_8)),
                new Frame(false, 0, Frame.CONTINUATION, "second ".getBytes(StandardCharsets.UTF_8)),
                Frame.pong("also between".getBytes(StandardCharsets.UTF_8)),
                new Frame(true, 0, Frame.CONTINUATION, "last".getBytes(StandardCharsets.UTF_8)));
        for (Frame f : message) {
            t.backend().send(f);
            TestTime.pace(quick.multipliedBy(2)); // Pings fall due between the fragments
        }
        List<Frame> got = new ArrayList<>();
        while (got.size() < message.size()) {
            got.add(skipGatewayPings(t.client(), message.get(got.size())));
        }
        assertThat(got).isEqualTo(message);
    }

    @Test
    @Conforms(Rule.HB_07)
    void hb07_anyStreamArrivesWithOnlyWholePingsAdded() throws Exception {
        Duration quick = TestTime.scaled(Duration.ofMillis(5));
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(pinging(fx.config(backend.address()), leg(NEVER, NEVER), leg(quick, NEVER)).build());

        Seeds.theory(200).withShrinkCycles(10)
                .forAll(lists().of(integers().between(0, 60)).ofSizeBetween(1, 12),
                        lists().of(integers().between(1, 900)).ofSizeBetween(1, 10),
                        longs().all())
                .checkAssert((kinds, chops, caseSeed) -> TunnelRules.io(() -> {
                    Random random = new Random(caseSeed);
                    RawClient client = Fixture.connect(gateway);
                    client.upgrade("/");
                    BackendConnection server = backend.awaitConnection(TestTime.PROMPT);
                    try {
                        List<Frame> sent = frames(kinds, random);
                        byte[] bytes = encode(sent, random);
                        int at = 0;
                        for (int i = 0; at < bytes.length; i++) {
                            int n = Math.min(chops.get(i % chops.size()), bytes.length - at);
                            client.write(java.util.Arrays.copyOfRange(bytes, at, at + n));
                            at += n;
                            if (i % 3 == 0) {
                                TestTime.pace(quick); // let a heartbeat fall due here, perhaps mid-frame
                            }
                        }
                        for (Frame expected : sent) {
                            assertThat(skipGatewayPings(server, expected)).isEqualTo(expected);
                        }
                    } finally {
                        client.close();
                        server.close();
                    }
                }));
    }

    @Test
    @Conforms(Rule.HB_08)
    void hb08_offModeIsTransparentAndIdleStillCloses() throws Exception {
        Duration idle = TestTime.scaled(Duration.ofMillis(1500));
        TunnelRules.Tunnel t = tunnel(c -> c.idleTimeout(idle)
                .heartbeat(HeartbeatConfig.Mode.OFF, leg(INTERVAL, TIMEOUT), leg(INTERVAL, TIMEOUT)));

        // several would-be intervals pass in silence: nothing at all may arrive, until the idle close
        Connection.Received atClient = t.client().readToEnd(TestTime.PROMPT);
        Connection.Received atBackend = t.backend().readToEnd(TestTime.PROMPT);

        assertThat(atClient.data()).as("bytes the gateway made up toward the client").isEmpty();
        assertThat(atBackend.data()).as("bytes the gateway made up toward the backend").isEmpty();
        assertThat(atClient.ending()).isNotEqualTo(Ending.OPEN);
        assertThat(atBackend.ending()).isNotEqualTo(Ending.OPEN);
    }

    @Test
    @Conforms(Rule.HB_09)
    void hb09_aStalledWriteDropsThePeer() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> c.writeTimeout(TestTime.scaled(Duration.ofMillis(500))));
        AtomicBoolean stop = new AtomicBoolean();
        Future<Ending> flood = Background.start("backend-flood", () -> {
            byte[] frame = Frame.binary(new byte[64 * 1024]).encode(false, new Random(2));
            try {
                while (!stop.get()) {
                    t.backend().write(frame); // the client reads none of it
                }
                return Ending.OPEN;
            } catch (IOException ended) {
                return Ending.RESET;
            }
        });
        assertThat(t.backend().awaitEnd(TestTime.PROMPT.multipliedBy(2))).as("the backend leg").isNotEqualTo(Ending.OPEN);
        stop.set(true);
        Background.await(flood);
        fx.whereOffered(Capability.METRICS, () -> awaitMetric(t.gateway(), death("client", "write_stalled")));
    }

    @Test
    @Conforms(Rule.HB_10)
    void hb10_aForbiddenFrameEndsTheTunnel() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(NEVER, NEVER), leg(NEVER, NEVER)));

        // a good frame and a forbidden one in one segment: the good one still arrives, whole, before the Close
        Frame good = Frame.binary(Payloads.pattern(5, 3000));
        t.client().write(Payloads.concat(good.encode(true, new Random(3)), Frame.text("unmasked, from a client").encode(false, new Random(3))));

        Frame toOffender = t.client().readFrame();
        assertThat(t.backend().readFrame()).isEqualTo(good);
        Frame toOther = t.backend().readFrame();
        assertThat(toOffender.opcode()).isEqualTo(Frame.CLOSE);
        assertThat(toOffender.closeCode()).isEqualTo(1002);
        assertThat(toOther.opcode()).isEqualTo(Frame.CLOSE);
        assertThat(toOther.closeCode()).isEqualTo(1001);
        assertThat(t.client().awaitEnd(TestTime.PROMPT)).isNotEqualTo(Ending.OPEN);
        assertThat(t.backend().awaitEnd(TestTime.PROMPT)).isNotEqualTo(Ending.OPEN);
    }

    @Test
    @Conforms(Rule.HB_11)
    void hb11_noPingsOnceClosing() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(INTERVAL, TIMEOUT), leg(INTERVAL, TIMEOUT)));
        Frame close = Frame.close(1000, "done");

        t.client().send(close);
        assertThat(t.backend().readFrame()).isEqualTo(close);

        // neither peer says anything more for three would-be intervals: no Pings, and nobody is declared dead
        assertThat(t.client().quietFor(INTERVAL.multipliedBy(3))).as("the client gets nothing").isTrue();
        assertThat(t.backend().quietFor(INTERVAL)).as("the backend gets nothing").isTrue();
        assertThat(t.gateway().status().tunnels()).isEqualTo(1);
    }

    @Test
    @Conforms(Rule.HB_14)
    void hb14_aHalfClosedTunnelIsNotPingedShut() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(INTERVAL, TIMEOUT), leg(INTERVAL, TIMEOUT)));

        // the client stops sending in the middle of a frame: no Close can follow it to the backend
        byte[] cut = java.util.Arrays.copyOf(Frame.binary(new byte[10]).encode(true, new Random(14)), 9);
        t.client().write(cut);
        t.client().shutdownOutput();
        Connection.Received atBackend = t.backend().readToEnd(TestTime.PROMPT);
        assertThat(atBackend.data()).as("the backend gets what the client sent, and nothing after it").isEqualTo(cut);
        assertThat(atBackend.ending()).as("then the client's FIN").isEqualTo(Ending.EOF);
        // nobody says anything for twice interval + timeout: the client cannot answer a Ping now
        // and the backend cannot be sent one, so neither is dead
        TestTime.pace(INTERVAL.plus(TIMEOUT).multipliedBy(2));

        Frame late = Frame.text("a late answer");
        t.backend().send(late);
        assertThat(t.client().readFrame()).isEqualTo(late);
        assertThat(t.gateway().status().tunnels()).isEqualTo(1);
        assertThat(metrics(t.gateway())).doesNotContainPattern("anchor_peer_deaths_total\\{[^}]*} [1-9]");
    }

    @Test
    @Conforms(Rule.HB_15)
    void hb15_aBackendThatLeavesWithoutACloseReachesTheClientAsGoingAway() throws Exception {
        leavesWithoutAClose("backend", TunnelRules.Tunnel::backend, TunnelRules.Tunnel::client);
    }

    @Test
    @Conforms(Rule.HB_16)
    void hb16_aClientThatLeavesWithoutACloseReachesTheBackendAsGoingAway() throws Exception {
        leavesWithoutAClose("client", TunnelRules.Tunnel::client, TunnelRules.Tunnel::backend);
    }

    /**
     * In ping mode the peer {@code leaving} ends its stream without a Close, once with FIN (as a
     * process that exits with nothing unread) and once with RST; the peer {@code staying} must get
     * a Close 1001 and then FIN each time, keep its own direction open after the FIN, and the
     * tunnels must be counted as {@code <who>_ended} and {@code <who>_reset}.
     */
    private void leavesWithoutAClose(String who, Function<TunnelRules.Tunnel, Connection> leaving,
                                     Function<TunnelRules.Tunnel, Connection> staying) throws Exception {
        TunnelRules.Tunnel fin = tunnel(c -> pinging(c, leg(NEVER, NEVER), leg(NEVER, NEVER)));
        Frame last = Frame.binary(Payloads.pattern(who.length(), 3000));
        leaving.apply(fin).send(last);
        leaving.apply(fin).shutdownOutput();

        assertThat(staying.apply(fin).readFrame()).isEqualTo(last);
        assertGoingAway(staying.apply(fin).readFrame(), "the other side, after the " + who + "'s FIN");
        assertThat(staying.apply(fin).awaitEnd(TestTime.PROMPT)).as("then FIN").isEqualTo(Ending.EOF);
        Frame reply = Frame.close(1001, "");
        staying.apply(fin).send(reply);
        assertThat(leaving.apply(fin).readFrame()).as("the other side's own direction stays open").isEqualTo(reply);
        staying.apply(fin).shutdownOutput();
        awaitMetric(fin.gateway(), closed(who + "_ended"));

        TunnelRules.Tunnel reset = tunnel(c -> pinging(c, leg(NEVER, NEVER), leg(NEVER, NEVER)));
        leaving.apply(reset).reset();
        assertGoingAway(staying.apply(reset).readFrame(), "the other side, after the " + who + "'s RST");
        assertThat(staying.apply(reset).awaitEnd(TestTime.PROMPT)).as("then FIN").isEqualTo(Ending.EOF);
        awaitMetric(reset.gateway(), closed(who + "_reset"));
    }

    @Test
    @Conforms(Rule.HB_17)
    void hb17_aLegHeldBackByASlowReaderIsNotDead() throws Exception {
        TunnelRules.Tunnel t = tunnel(c -> pinging(c, leg(NEVER, NEVER), leg(INTERVAL, TIMEOUT))
                .writeTimeout(NEVER));
        long flood = 64L << 20;
        AtomicLong written = new AtomicLong();
        Future<Void> backendWrites = Background.start("backend-flood", () -> {
            Payloads.sendFrames(t.backend(), flood, 64 * 1024, written);
            return null;
        });
        // the client reads nothing: the gateway stops reading the backend, whose bytes (and any
        // Pong) then wait in the kernel; its silence is the gateway's doing, not the backend's
        Await.until("the backend's writes to stall", TestTime.PROMPT, () -> stalled(written));
        TestTime.pace(INTERVAL.plus(TIMEOUT).multipliedBy(3));

        Payloads.receiveFrames(t.client(), flood);
        Background.await(backendWrites);
        assertThat(t.gateway().status().tunnels()).as("the tunnel is still open").isEqualTo(1);
        assertThat(metrics(t.gateway())).doesNotContainPattern("anchor_peer_deaths_total\\{[^}]*} [1-9]");
    }

    @Test
    @Conforms(Rule.HB_12)
    void hb12_aVanishedPeerIsFound() throws Exception {
        HalfOpen.Result withHeartbeats = HalfOpen.run(subject(), HalfOpen.Guard.HEARTBEAT);
        HalfOpen.Result withKeepalive = HalfOpen.run(subject(), HalfOpen.Guard.KEEPALIVE);

        assertThat(withHeartbeats.detectedAfter()).as(withHeartbeats.toString())
                .isLessThanOrEqualTo(HalfOpen.HEARTBEAT_BOUND);
        assertThat(withKeepalive.detectedAfter()).as(withKeepalive.toString())
                .isLessThanOrEqualTo(HalfOpen.KEEPALIVE_BOUND);
    }

    @Test
    @Conforms(Rule.HB_13)
    void hb13_userTimeoutIsHonouredOrRefused() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        GatewayConfig config = fx.config(backend.address())
                .tcp("backend", new TcpOptions(null, Duration.ofSeconds(5)))
                .build();
        try {
            Gateway gateway = fx.gateway(config);
            fx.raw(gateway).upgrade("/"); // it started: then it must work with the option set
        } catch (StartRefused refused) {
            assertThat(refused.getMessage()).as("the refusal names the key").contains("tcp.backend.user-timeout");
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    static HeartbeatConfig.Leg leg(Duration interval, Duration timeout) {
        return new HeartbeatConfig.Leg(interval, timeout);
    }

    static GatewayConfig.Builder pinging(GatewayConfig.Builder c, HeartbeatConfig.Leg client, HeartbeatConfig.Leg backend) {
        return c.idleTimeout(Duration.ZERO).heartbeat(HeartbeatConfig.Mode.PING, client, backend);
    }

    TunnelRules.Tunnel tunnel(UnaryOperator<GatewayConfig.Builder> tweak) throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(tweak.apply(fx.config(backend.address())).build());
        RawClient client = fx.raw(gateway);
        client.upgrade("/");
        return new TunnelRules.Tunnel(gateway, client, backend.awaitConnection(TestTime.PROMPT));
    }

    /** The next frame that is not a Ping the gateway added. */
    static Frame skipGatewayPings(Connection peer) throws IOException {
        return skipGatewayPings(peer, null);
    }

    /**
     * The next frame, skipping Pings that are not {@code expected}: those the gateway added, which
     * must be whole, final, and at most 125 bytes.
     */
    static Frame skipGatewayPings(Connection peer, Frame expected) throws IOException {
        while (true) {
            Frame f = peer.readFrame();
            if (f.opcode() != Frame.PING || f.equals(expected)) {
                return f;
            }
            assertThat(f.fin()).as("a gateway Ping is never fragmented").isTrue();
            assertThat(f.payload().length).as("a gateway Ping's payload").isLessThanOrEqualTo(125);
        }
    }

    static String metrics(Gateway gateway) throws IOException {
        Fixture.uses(gateway, Capability.METRICS);
        try (RawClient c = Fixture.connect(gateway)) {
            c.write("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
            return c.readResponse().bodyText();
        }
    }

    /** A gateway counts what it did a moment after doing it: wait for the count, with a deadline. */
    static void awaitMetric(Gateway gateway, String pattern) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(pattern);
        Await.until("/metrics to show " + pattern, TestTime.PROMPT, () -> {
            try {
                return metrics(gateway);
            } catch (IOException e) {
                return e.toString();
            }
        }, text -> p.matcher(text).find());
    }

    static String closed(String reason) {
        return "anchor_tunnels_closed_total\\{[^}]*reason=\"" + reason + "\"[^}]*} 1(\\.0)?";
    }

    static void assertGoingAway(Frame f, String toward) {
        assertThat(f.opcode()).as("a Close frame reaches " + toward).isEqualTo(Frame.CLOSE);
        assertThat(f.closeCode()).as("its code").isEqualTo(1001);
    }

    /** True once {@code written} has not moved for a while: its writer is blocked. */
    private static boolean stalled(AtomicLong written) {
        long before = written.get();
        TestTime.pace(Duration.ofMillis(200));
        return before > 0 && written.get() == before;
    }

    static String death(String leg, String reason) {
        return "anchor_peer_deaths_total\\{[^}]*leg=\"" + leg + "\"[^}]*reason=\"" + reason + "\"[^}]*} 1(\\.0)?";
    }

    /** Valid frames from a client: whole messages, fragmented ones with control frames between. */
    static List<Frame> frames(List<Integer> kinds, Random random) {
        List<Frame> frames = new ArrayList<>();
        AtomicInteger n = new AtomicInteger();
        for (int kind : kinds) {
            if (kind < 30) {
                frames.add(Frame.binary(Payloads.pattern(n.getAndAdd(100_000), kind * 97 % 3000)));
            } else if (kind < 45) {
                frames.add(new Frame(false, 0, Frame.TEXT, ("part " + kind).getBytes(StandardCharsets.UTF_8)));
                frames.add(Frame.ping(("p" + kind).getBytes(StandardCharsets.UTF_8)));
                frames.add(new Frame(true, 0, Frame.CONTINUATION, Payloads.pattern(kind, kind * 31 % 2000)));
            } else {
                frames.add(kind % 2 == 0 ? Frame.ping(("own " + kind).getBytes(StandardCharsets.UTF_8))
                        : Frame.pong(("own " + kind).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return frames;
    }

    static byte[] encode(List<Frame> frames, Random random) {
        byte[][] parts = new byte[frames.size()][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = frames.get(i).encode(true, random);
        }
        return Payloads.concat(parts);
    }

    static boolean timedOut(IOException e) {
        return e instanceof SocketTimeoutException;
    }
}
