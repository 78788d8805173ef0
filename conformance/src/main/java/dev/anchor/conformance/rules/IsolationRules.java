package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.Background;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Fixture;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Seeds;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.Connection;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.FrameReader;
import dev.anchor.conformance.peers.Payloads;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Tunnels are independent: no cross-talk, no shared fate, no head-of-line blocking. */
public abstract class IsolationRules extends RuleGroup {
    protected IsolationRules(Subject subject) {
        super(subject);
    }

    @Test
    @Conforms(Rule.ISO_01)
    void iso01_concurrentTunnelsKeepTheirOwnMessages() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        List<Future<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 50; c++) {
            int id = c;
            clients.add(Background.start("client-" + id, () -> {
                try (RawClient client = Fixture.connect(gateway)) {
                    client.upgrade("/tunnel-" + id);
                    for (int m = 0; m < 20; m++) {
                        Frame sent = Frame.text("tunnel " + id + " message " + m);
                        client.send(sent);
                        assertThat(client.readFrame()).isEqualTo(sent);
                    }
                }
                return null;
            }));
        }
        for (Future<Void> c : clients) {
            Background.await(c, 2);
        }
    }

    @Test
    @Conforms(Rule.ISO_02)
    void iso02_anyInterleavingKeepsEachSequence() throws Exception {
        EchoServer echo = fx.echo();
        Gateway gateway = fx.gateway(echo.address());

        Seeds.theory(100).withShrinkCycles(10)
                .forAll(integers().between(2, 6), lists().of(integers().between(0, 1_000_000)).ofSizeBetween(1, 40))
                .checkAssert((tunnels, schedule) -> TunnelRules.io(() -> {
                    List<RawClient> clients = new ArrayList<>();
                    try {
                        for (int t = 0; t < tunnels; t++) {
                            RawClient c = Fixture.connect(gateway);
                            clients.add(c);
                            c.upgrade("/");
                        }
                        List<List<Frame>> sent = new ArrayList<>();
                        for (int t = 0; t < tunnels; t++) {
                            sent.add(new ArrayList<>());
                        }
                        for (int step : schedule) {
                            int t = step % tunnels;
                            int size = step / tunnels % 1000;
                            Frame f = Frame.binary(Payloads.pattern(t * 1_000_000_007L + sent.get(t).size() * 1009L, size));
                            clients.get(t).send(f);
                            sent.get(t).add(f);
                        }
                        for (int t = 0; t < tunnels; t++) {
                            for (Frame expected : sent.get(t)) {
                                assertThat(clients.get(t).readFrame()).as("tunnel %d", t).isEqualTo(expected);
                            }
                        }
                    } finally {
                        for (RawClient c : clients) {
                            c.close();
                        }
                    }
                }));
    }

    @Test
    @Conforms(Rule.ISO_03)
    void iso03_resetOfOneLeavesOthers() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawClient c = fx.raw(gateway);
            c.upgrade("/");
            clients.add(c);
        }

        clients.get(1).reset();
        Await.until("the reset tunnel to be gone", TestTime.PROMPT, () -> gateway.status().tunnels() == 2);

        for (int i : new int[] {0, 2}) {
            Frame f = Frame.text("still tunnel " + i);
            clients.get(i).send(f);
            assertThat(clients.get(i).readFrame()).isEqualTo(f);
        }
    }

    @Test
    @Conforms(Rule.ISO_04)
    void iso04_stalledTunnelDoesNotHoldUpOthers() throws Exception {
        AtomicLong flooded = new AtomicLong();
        ScriptedBackend flooding = fx.scripted(c -> {
            c.accept();
            Payloads.sendFrames(c, 64L << 20, 1 << 20, flooded);
        });
        EchoServer echo = fx.echo();
        Gateway gateway = fx.gateway(fx.config(flooding.address())
                .route("/echo", BalancerKind.ROUND_ROBIN, List.of(echo.address())).build());
        RawClient stalled = fx.raw(gateway);
        stalled.upgrade("/flood");
        Await.until("the flood to start", TestTime.PROMPT, () -> flooded.get() > 0);

        RawClient lively = fx.raw(gateway);
        lively.upgrade("/echo");
        for (int i = 0; i < 100; i++) {
            Frame f = Frame.binary(Payloads.pattern(i, 4096));
            lively.send(f);
            assertThat(lively.readFrame()).isEqualTo(f);
        }
        assertThat(flooded.get()).as("the stalled tunnel is still stalled").isLessThan(64L << 20);
        stalled.reset();
    }

    /** How a slow tunnel of ISO-05 ends, and the Close its slow client must get if the stream allows one. */
    enum Ending5 {
        PROTOCOL_ERROR(1002), HEARTBEAT(1001), CLOSE(1000);

        final int code;

        Ending5(int code) {
            this.code = code;
        }
    }

    // tag::iso-05[]
    @Test
    @Conforms(Rule.ISO_05)
    void iso05_endingTunnelsNeverHandTheirBytesToAnother() throws Exception {
        int perEnding = 3;
        long stream = 4L << 20;
        Map<Integer, Ending5> endings = new ConcurrentHashMap<>();
        ScriptedBackend backends = fx.scripted(c -> {
            BackendConnection.RawRequest r = c.accept();
            String[] path = r.target().split("/"); // /slow/<id> or /busy/<id>
            if (path[1].equals("busy")) {
                c.echoFrames();
                return;
            }
            int id = Integer.parseInt(path[2]);
            sendTagged(c, id, stream); // whole frames of 4 KiB: the gateway's reads end between frames
            if (endings.get(id) == Ending5.CLOSE) {
                c.send(Frame.close(1000, "tunnel " + id));
                c.shutdownOutput();
            }
            c.awaitEnd(TestTime.PROMPT.multipliedBy(4)); // a dead one answers no Ping, and reads nothing
        });
        Gateway gateway = fx.gateway(fx.config(backends.address())
                .eventLoops(1) // every tunnel on one loop, and its buffers
                .idleTimeout(Duration.ZERO)
                .heartbeat(HeartbeatConfig.Mode.PING, new HeartbeatConfig.Leg(Duration.ofMinutes(10), Duration.ofMinutes(10)),
                        new HeartbeatConfig.Leg(TestTime.scaled(Duration.ofMillis(300)), TestTime.scaled(Duration.ofMillis(300))))
                .build());

        List<RawClient> slow = new ArrayList<>();
        for (Ending5 ending : Ending5.values()) {
            for (int i = 0; i < perEnding; i++) {
                int id = slow.size();
                endings.put(id, ending);
                RawClient c = fx.slowReader(gateway, 4096);
                c.upgrade("/slow/" + id);
                slow.add(c);
            }
        }
        // the slow clients read nothing: wait until the gateway holds bytes for every one of them
        Await.until("the gateway to hold bytes toward every slow client", TestTime.PROMPT.multipliedBy(2),
                () -> gateway.status().tunnelList().stream().filter(t -> t.downstream().buffered() > 0).count() >= slow.size());

        // busy tunnels on the same loop keep taking buffers and writing into them...
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong trips = new AtomicLong();
        List<Future<Integer>> busy = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            int id = 1000 + b;
            busy.add(Background.start("busy-" + id, () -> echoTagged(fx.raw(gateway), id, stop, trips)));
        }
        Await.until("the busy tunnels to be under way", TestTime.PROMPT, () -> trips.get() >= 30);
        // ...while the slow tunnels end with their bytes still queued
        for (int id = 0; id < slow.size(); id++) {
            if (endings.get(id) == Ending5.PROTOCOL_ERROR) {
                slow.get(id).write(Frame.text("unmasked, from a client").encode(false, new Random(id)));
            }
        }
        HeartbeatRules.awaitMetric(gateway, "anchor_tunnels_closed_total\\{[^}]*reason=\"protocol_error\"[^}]*} " + perEnding);
        // and a good many buffers change hands after those ends, before anyone reads what they left queued
        long after = trips.get();
        Await.until("300 more busy round trips", TestTime.PROMPT.multipliedBy(2), () -> trips.get() >= after + 300);

        for (int id = 0; id < slow.size(); id++) {
            RawClient c = slow.get(id);
            Connection.Received got = c.readToEnd(TestTime.PROMPT.multipliedBy(4));
            assertOwnBytesThenClose(id, endings.get(id), got);
            if (endings.get(id) == Ending5.CLOSE) {
                c.send(Frame.close(1000, "tunnel " + id));
            }
            c.close();
        }
        stop.set(true);
        for (Future<Integer> b : busy) {
            assertThat(Background.await(b)).as("round trips of a busy tunnel").isPositive();
        }
    }
    // end::iso-05[]

    /** Frames of 4 KiB (4092 bytes of payload), tagged with the tunnel's id through the pattern's offset. */
    private static void sendTagged(Connection c, int id, long total) throws IOException {
        for (long at = 0; at < total; at += 4092) {
            c.send(Frame.binary(Payloads.pattern(tag(id) + at, (int) Math.min(4092, total - at))));
        }
    }

    private static long tag(int id) {
        return (long) id << 40;
    }

    /** Echo round trips of tagged frames until {@code stop}; every answer must be the tunnel's own. */
    private static int echoTagged(RawClient client, int id, AtomicBoolean stop, AtomicLong all) throws IOException {
        client.upgrade("/busy/" + id);
        int trips = 0;
        for (long at = 0; !stop.get(); at += 8000, trips++, all.incrementAndGet()) {
            Frame f = Frame.binary(Payloads.pattern(tag(id) + at, 8000));
            client.send(f);
            Frame back;
            try {
                back = client.readFrame();
            } catch (IOException notFrames) {
                throw new AssertionError("busy tunnel " + id + " received bytes that are not its frames", notFrames);
            }
            assertThat(back).as("busy tunnel %d, round trip %d", id, trips).isEqualTo(f);
        }
        client.close();
        return trips;
    }

    /**
     * What slow client {@code id} received up to the end of its stream: frames of its own pattern
     * and nothing else, in order; then, if the last of them ended between frames, the Close its
     * ending calls for; then FIN. A stream that ended inside a frame may not carry a Close.
     */
    private static void assertOwnBytesThenClose(int id, Ending5 ending, Connection.Received got) throws IOException {
        assertThat(got.ending()).as("tunnel %d (%s) ends with FIN", id, ending).isEqualTo(Ending.EOF);
        FrameReader.Prefix frames = FrameReader.prefix(got.data(), false);
        long offset = 0;
        Frame close = null;
        for (Frame f : frames.frames()) {
            if (close != null) {
                throw new AssertionError("tunnel " + id + ": a frame after the Close: " + f);
            }
            if (f.opcode() == Frame.CLOSE) {
                close = f;
                continue;
            }
            assertThat(f.opcode()).as("tunnel %d, frame at %d", id, offset).isEqualTo(Frame.BINARY);
            try {
                Payloads.check(f.payload(), tag(id) + offset);
            } catch (AssertionError e) {
                throw new AssertionError("tunnel " + id + " (" + ending + ") received bytes not its own at " + offset, e);
            }
            offset += f.payload().length;
        }
        if (frames.cut() > 0) {
            assertThat(close).as("tunnel %d: a Close after a cut frame", id).isNull();
            assertThat(ending).as("only a protocol error ends a tunnel between two reads").isEqualTo(Ending5.PROTOCOL_ERROR);
            return;
        }
        assertThat(close).as("tunnel %d (%s): the Close after its bytes", id, ending).isNotNull();
        assertThat(close.closeCode()).as("tunnel %d (%s): its Close code", id, ending).isEqualTo(ending.code);
    }
}
