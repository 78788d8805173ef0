package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.Background;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Seeds;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.Connection;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.Payloads;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.conformance.peers.WsClient;
import dev.anchor.conformance.peers.WsEvent;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayStatus;
import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** After 101: bytes both ways, unchanged, in order, with bounded memory, and TCP's endings kept. */
public abstract class TunnelRules extends RuleGroup {
    /** The most a gateway may hold for one direction of one tunnel. */
    static final long MEMORY_BOUND = 1 << 20;
    static final long FLOOD = 256L << 20;

    protected TunnelRules(Subject subject) {
        super(subject);
    }

    @Test
    @Conforms(Rule.TUN_01)
    void tun01_tenThousandMessagesEchoUnchanged() throws Exception {
        long seed = Seeds.next();
        int count = Integer.getInteger("anchor.conformance.messages", 10_000);
        Gateway gateway = fx.gateway(fx.echo().address());
        WsClient client = fx.ws(gateway, "/echo");
        Messages messages = new Messages(new SplittableRandom(seed));
        Deque<WsEvent> inFlight = new ArrayDeque<>();
        int window = 8;

        for (int i = 0; i < count + window; i++) {
            if (i >= window) {
                WsEvent expected = inFlight.poll();
                if (expected == null) {
                    break;
                }
                WsEvent got = client.next();
                if (!got.equals(expected)) {
                    throw new AssertionError("message " + (i - window) + " (seed " + seed + ") came back as "
                            + got + ", sent " + expected);
                }
            }
            if (i < count) {
                inFlight.add(messages.send(client));
            }
        }
        assertThat(inFlight).as("seed " + seed).isEmpty();
    }

    @Test
    @Conforms(Rule.TUN_02)
    void tun02_everyLengthEncodingPasses() throws Exception {
        Tunnel t = rawTunnel();
        long seed = Seeds.next();
        Random random = new Random(seed);

        for (int size : new int[] {0, 1, 125, 126, 127, 65535, 65536, 65537}) {
            byte[] payload = Payloads.pattern(size, size);
            byte[] up = Frame.binary(payload).encode(true, random);
            t.client.write(up);
            assertThat(t.backend.readExactly(up.length)).as("client to backend, %d bytes, seed %d", size, seed).isEqualTo(up);
            byte[] down = Frame.binary(payload).encode(false, random);
            t.backend.write(down);
            assertThat(t.client.readExactly(down.length)).as("backend to client, %d bytes, seed %d", size, seed).isEqualTo(down);
        }
    }

    @Test
    @Conforms(Rule.TUN_03)
    void tun03_sixteenMebibyteFrame() throws Exception {
        Tunnel t = rawTunnel();
        byte[] payload = Payloads.pattern(7, 16 << 20);

        Future<Frame> atBackend = Background.start("backend-reader", t.backend::readFrame);
        t.client.send(Frame.binary(payload));
        assertThat(Background.await(atBackend).payload()).isEqualTo(payload);

        Future<Frame> atClient = Background.start("client-reader", t.client::readFrame);
        t.backend.send(Frame.binary(payload));
        assertThat(Background.await(atClient).payload()).isEqualTo(payload);
    }

    @Test
    @Conforms(Rule.TUN_04)
    void tun04_anyChoppingBothWays() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());

        Seeds.theory(200).withShrinkCycles(20)
                .forAll(lists().of(integers().between(0, 3000)).ofSizeBetween(1, 8),
                        lists().of(integers().between(1, 1500)).ofSizeBetween(1, 12),
                        lists().of(integers().between(1, 1500)).ofSizeBetween(1, 12),
                        longs().all())
                .checkAssert((sizes, upChops, downChops, caseSeed) -> io(() -> {
                    Random random = new Random(caseSeed);
                    RawClient client = fx.raw(gateway);
                    client.upgrade("/");
                    BackendConnection server = backend.awaitConnection(TestTime.PROMPT);
                    byte[] up = frames(sizes, true, random);
                    client.writeChopped(up, ints(upChops));
                    assertThat(server.readExactly(up.length)).isEqualTo(up);
                    byte[] down = frames(sizes, false, random);
                    server.writeChopped(down, ints(downChops));
                    assertThat(client.readExactly(down.length)).isEqualTo(down);
                    client.close();
                    server.close();
                }));
    }

    @Test
    @Conforms(Rule.TUN_05)
    void tun05_clientHalfCloseKeepsTheOtherDirection() throws Exception {
        Tunnel t = rawTunnel();

        t.client.send(Frame.text("last words"));
        t.client.shutdownOutput();

        assertThat(t.backend.readFrame()).isEqualTo(Frame.text("last words"));
        assertThat(t.backend.awaitEnd(TestTime.PROMPT)).as("backend sees the client's FIN").isEqualTo(Ending.EOF);
        t.backend.send(Frame.text("still listening"));
        assertThat(t.client.readFrame()).isEqualTo(Frame.text("still listening"));
        t.backend.shutdownOutput();
        assertThat(t.client.awaitEnd(TestTime.PROMPT)).isEqualTo(Ending.EOF);
    }

    @Test
    @Conforms(Rule.TUN_06)
    void tun06_backendHalfCloseKeepsTheOtherDirection() throws Exception {
        Tunnel t = rawTunnel();

        t.backend.send(Frame.text("done talking"));
        t.backend.shutdownOutput();

        assertThat(t.client.readFrame()).isEqualTo(Frame.text("done talking"));
        assertThat(t.client.awaitEnd(TestTime.PROMPT)).as("client sees the backend's FIN").isEqualTo(Ending.EOF);
        t.client.send(Frame.text("but I am not"));
        assertThat(t.backend.readFrame()).isEqualTo(Frame.text("but I am not"));
        t.client.shutdownOutput();
        assertThat(t.backend.awaitEnd(TestTime.PROMPT)).isEqualTo(Ending.EOF);
    }

    @Test
    @Conforms(Rule.TUN_07)
    void tun07_clientResetAbortsBackend() throws Exception {
        Tunnel t = rawTunnel();

        t.client.reset();

        assertThat(t.backend.awaitEnd(TestTime.PROMPT)).isEqualTo(Ending.RESET);
    }

    @Test
    @Conforms(Rule.TUN_08)
    void tun08_backendResetAbortsClient() throws Exception {
        Tunnel t = rawTunnel();

        t.backend.reset();

        assertThat(t.client.awaitEnd(TestTime.PROMPT)).isEqualTo(Ending.RESET);
    }

    @Test
    @Conforms(Rule.TUN_09)
    void tun09_closeHandshakePassesBothWays() throws Exception {
        Gateway toEcho = fx.gateway(fx.echo().address());
        WsClient client = fx.ws(toEcho, "/");
        client.sendClose(4000, "bye for now");
        assertThat(client.next()).isEqualTo(new WsEvent.Closed(4000, "bye for now"));

        Tunnel t = rawTunnel();
        t.backend.send(Frame.close(4001, "backend leaving"));
        Frame atClient = t.client.readFrame();
        assertThat(atClient.closeCode()).isEqualTo(4001);
        assertThat(atClient.closeReason()).isEqualTo("backend leaving");
        t.client.send(Frame.close(4001, "backend leaving"));
        assertThat(t.backend.readFrame()).isEqualTo(Frame.close(4001, "backend leaving"));
    }

    @Test
    @Conforms(Rule.TUN_10)
    void tun10_bytesBeforeFinArriveInFull() throws Exception {
        byte[] burst = Frame.binary(Payloads.pattern(0, 1 << 20)).encode(false, new Random(1));
        Tunnel down = rawTunnel();
        down.backend.write(burst);
        down.backend.close();
        Connection.Received atClient = down.client.readToEnd(TestTime.PROMPT);
        assertThat(atClient.ending()).isEqualTo(Ending.EOF);
        assertThat(atClient.data().length).as("bytes before the backend's FIN").isEqualTo(burst.length);
        assertThat(atClient.data()).isEqualTo(burst);

        byte[] upBurst = Frame.binary(Payloads.pattern(0, 1 << 20)).encode(true, new Random(2));
        Tunnel up = rawTunnel();
        Future<Connection.Received> atBackend = Background.start("backend-reader", () -> up.backend.readToEnd(TestTime.PROMPT));
        up.client.write(upBurst);
        up.client.shutdownOutput();
        Connection.Received received = Background.await(atBackend);
        assertThat(received.ending()).isEqualTo(Ending.EOF);
        assertThat(received.data()).isEqualTo(upBurst);
    }

    @Test
    @Conforms(Rule.TUN_11)
    void tun11_slowClientBoundsMemory() throws Exception {
        Tunnel t = rawTunnel();
        floodAReaderThatWaits(t.gateway, t.backend, t.client, s -> s.downstream().peakBuffered());
    }

    @Test
    @Conforms(Rule.TUN_12)
    void tun12_slowBackendBoundsMemory() throws Exception {
        Tunnel t = rawTunnel();
        floodAReaderThatWaits(t.gateway, t.client, t.backend, s -> s.upstream().peakBuffered());
    }

    /**
     * {@code writer} sends {@link #FLOOD} bytes while {@code reader} reads nothing, until the writer
     * stalls; then the reader takes everything, checking every byte. Throughout, the gateway's own
     * peak of bytes held for that direction must stay within {@link #MEMORY_BOUND}.
     */
    void floodAReaderThatWaits(Gateway gateway, Connection writer, Connection reader,
                               Function<GatewayStatus.TunnelStatus, Long> held) throws Exception {
        AtomicLong written = new AtomicLong();
        Future<Void> flood = Background.start("flood", () -> {
            Payloads.sendFrames(writer, FLOOD, 1 << 20, written);
            return null;
        });
        awaitStalledWriter(written, gateway, held);
        Future<Void> drain = Background.start("drain", () -> {
            Payloads.receiveFrames(reader, FLOOD);
            return null;
        });
        Background.await(drain, 6);
        Background.await(flood);

        assertThat(peak(gateway, held)).as("the gateway's peak of bytes held").isLessThanOrEqualTo(MEMORY_BOUND);
        if (fx.reported(gateway).isPresent()) {
            assertThat(peak(gateway, held)).as("the gateway counts what it holds").isPositive();
        }
    }

    @Test
    @Conforms(Rule.TUN_13)
    void tun13_idleTunnelIsClosed() throws Exception {
        Tunnel t = rawTunnel(c -> c.idleTimeout(Duration.ofMillis(300)));

        assertThat(t.client.awaitEnd(TestTime.PROMPT)).as("client leg").isNotEqualTo(Ending.OPEN);
        assertThat(t.backend.awaitEnd(TestTime.PROMPT)).as("backend leg").isNotEqualTo(Ending.OPEN);
    }

    @Test
    @Conforms(Rule.TUN_14)
    void tun14_oneWayTrafficIsNotIdle() throws Exception {
        Duration idle = TestTime.scaled(Duration.ofMillis(400));
        Tunnel t = rawTunnel(c -> c.idleTimeout(idle));

        for (int i = 0; i < 12; i++) {
            t.backend.send(Frame.text("tick " + i));
            assertThat(t.client.readFrame()).isEqualTo(Frame.text("tick " + i));
            TestTime.pace(idle.dividedBy(4));
        }

        assertThat(t.gateway.status().tunnels()).as("tunnel still open after 3 idle periods of one-way traffic").isEqualTo(1);
        t.backend.send(Frame.text("still here"));
        assertThat(t.client.readFrame()).isEqualTo(Frame.text("still here"));
    }

    @Test
    @Conforms(Rule.TUN_15)
    void tun15_endpointPingsAndPongsPass() throws Exception {
        Tunnel t = rawTunnel();

        t.client.send(Frame.ping("client ping".getBytes()));
        assertThat(t.backend.readFrame()).isEqualTo(Frame.ping("client ping".getBytes()));
        t.backend.send(Frame.pong("client ping".getBytes()));
        t.backend.send(Frame.ping("backend ping".getBytes()));
        assertThat(t.client.readFrame()).isEqualTo(Frame.pong("client ping".getBytes()));
        assertThat(t.client.readFrame()).isEqualTo(Frame.ping("backend ping".getBytes()));
        t.client.send(Frame.pong("backend ping".getBytes()));
        t.client.send(Frame.pong("unsolicited".getBytes()));
        assertThat(t.backend.readFrame()).isEqualTo(Frame.pong("backend ping".getBytes()));
        assertThat(t.backend.readFrame()).isEqualTo(Frame.pong("unsolicited".getBytes()));
    }

    @Test
    @Conforms(Rule.TUN_16)
    void tun16_bothDoneMeansBothClosed() throws Exception {
        Tunnel t = rawTunnel();

        t.client.send(Frame.close(1000, ""));
        assertThat(t.backend.readFrame()).isEqualTo(Frame.close(1000, ""));
        t.backend.send(Frame.close(1000, ""));
        t.backend.close();
        assertThat(t.client.readFrame()).isEqualTo(Frame.close(1000, ""));
        assertThat(t.client.awaitEnd(TestTime.PROMPT)).isEqualTo(Ending.EOF);
        t.client.close();

        fx.awaitIdle(t.gateway, "once both directions are done");
    }

    @Test
    @Conforms(Rule.TUN_17)
    void tun17_handshakeDeadlinesEndWithTheHandshake() throws Exception {
        Duration deadlines = TestTime.scaled(Duration.ofMillis(300));
        Tunnel t = rawTunnel(c -> c.headTimeout(deadlines).handshakeTimeout(deadlines).idleTimeout(Duration.ofMinutes(5)));

        TestTime.pace(deadlines.multipliedBy(3)); // quiet, three handshake deadlines long

        t.client.send(Frame.text("still here"));
        assertThat(t.backend.readFrame()).isEqualTo(Frame.text("still here"));
        t.backend.send(Frame.text("me too"));
        assertThat(t.client.readFrame()).isEqualTo(Frame.text("me too"));
    }

    @Test
    @Conforms(Rule.TUN_18)
    void tun18_closeReasonsSayWhatHappened() throws Exception {
        // off mode follows no frames: a close handshake is an orderly end like any other
        Tunnel plain = rawTunnel();
        closeHandshake(plain);
        HeartbeatRules.awaitMetric(plain.gateway, HeartbeatRules.closed("backend_ended"));
        Tunnel reset = rawTunnel();
        reset.client.reset();
        HeartbeatRules.awaitMetric(reset.gateway, HeartbeatRules.closed("client_reset"));

        // ping mode sees the Close frames: that, and only that, is a completed tunnel
        Tunnel framed = rawTunnel(c -> HeartbeatRules.pinging(c, HeartbeatRules.leg(HeartbeatRules.NEVER, HeartbeatRules.NEVER),
                HeartbeatRules.leg(HeartbeatRules.NEVER, HeartbeatRules.NEVER)));
        closeHandshake(framed);
        HeartbeatRules.awaitMetric(framed.gateway, HeartbeatRules.closed("completed"));
        assertThat(HeartbeatRules.metrics(plain.gateway)).as("off mode never counts a tunnel completed")
                .doesNotContain("reason=\"completed\"");
    }

    /** The client closes, the backend answers, and each sends FIN, backend first as RFC 6455 section 7.1.1 wants. */
    private static void closeHandshake(Tunnel t) throws IOException {
        t.client.send(Frame.close(1000, "bye"));
        assertThat(t.backend.readFrame()).isEqualTo(Frame.close(1000, "bye"));
        t.backend.send(Frame.close(1000, "bye"));
        t.backend.shutdownOutput();
        assertThat(t.client.readFrame()).isEqualTo(Frame.close(1000, "bye"));
        assertThat(t.client.awaitEnd(TestTime.PROMPT)).isEqualTo(Ending.EOF);
        t.client.shutdownOutput();
        assertThat(t.backend.awaitEnd(TestTime.PROMPT)).isEqualTo(Ending.EOF);
    }

    // --- helpers -----------------------------------------------------------------------------

    /** A gateway, a raw client that has switched, and the backend's side of it. */
    record Tunnel(Gateway gateway, RawClient client, BackendConnection backend) {
    }

    Tunnel rawTunnel() throws Exception {
        return rawTunnel(UnaryOperator.identity());
    }

    /** A gateway in front of a scripted backend that switches, configured by {@code tweak}, and one tunnel through it. */
    Tunnel rawTunnel(UnaryOperator<GatewayConfig.Builder> tweak) throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(tweak.apply(fx.config(backend.address())).build());
        RawClient client = fx.raw(gateway);
        client.upgrade("/");
        return new Tunnel(gateway, client, backend.awaitConnection(TestTime.PROMPT));
    }

    /**
     * Waits until a writer pushing into a reader that reads nothing stops making progress (the
     * gateway stopped taking bytes), failing at once if the gateway holds more than the bound.
     */
    void awaitStalledWriter(AtomicLong written, Gateway gateway, Function<GatewayStatus.TunnelStatus, Long> held) {
        long[] last = {-1};
        int[] still = {0};
        Await.until("the writer to stall because the gateway stopped reading", TestTime.PROMPT.multipliedBy(4), () -> {
            long peak = peak(gateway, held);
            if (peak > MEMORY_BOUND) {
                throw new AssertionError("the gateway holds " + peak + " bytes for a peer that reads nothing");
            }
            long now = written.get();
            if (now >= FLOOD) {
                throw new AssertionError("all " + FLOOD + " bytes were taken while the reader read nothing");
            }
            still[0] = now == last[0] ? still[0] + 1 : 0;
            last[0] = now;
            TestTime.pace(Duration.ofMillis(50));
            return still[0] >= 6;
        });
        // whatever the gateway reports, the bytes taken from the writer must fit in the four sockets'
        // kernel buffers plus the gateway's bound: anything more is held somewhere it is not counting
        long kernel = 2 * (KernelBuffers.maxSend() + KernelBuffers.maxReceive());
        assertThat(written.get()).as("bytes taken from a writer whose reader reads nothing")
                .isLessThanOrEqualTo(kernel + MEMORY_BOUND);
    }

    /** What the gateway says it holds, where it reports its buffers; the kernel arithmetic holds for every gateway. */
    long peak(Gateway gateway, Function<GatewayStatus.TunnelStatus, Long> held) {
        List<GatewayStatus.TunnelStatus> tunnels = fx.reported(gateway).map(GatewayStatus::tunnelList).orElse(List.of());
        return tunnels.isEmpty() ? 0 : held.apply(tunnels.get(0));
    }

    static byte[] frames(List<Integer> sizes, boolean masked, Random random) {
        byte[][] parts = new byte[sizes.size()][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Frame.binary(Payloads.pattern(i * 7919L, sizes.get(i))).encode(masked, random);
        }
        return Payloads.concat(parts);
    }

    static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    interface IoAction {
        void run() throws Exception;
    }

    static void io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Random messages for TUN-01: sizes spread evenly over orders of magnitude, text and binary, some fragmented. */
    static final class Messages {
        private static final int MAX = 1 << 20;
        private final SplittableRandom random;
        private final byte[] bytes = new byte[MAX * 2];
        private final String text;

        Messages(SplittableRandom random) {
            this.random = random;
            random.nextBytes(bytes);
            StringBuilder sb = new StringBuilder(MAX * 2);
            String[] palette = {"é", "漢", "😀", "ß", "\n"};
            while (sb.length() < MAX * 2 - 2) {
                sb.append(random.nextInt(40) == 0 ? palette[random.nextInt(palette.length)] : (char) (32 + random.nextInt(95)));
            }
            text = sb.toString();
        }

        WsEvent send(WsClient client) throws Exception {
            int size = random.nextInt(20) == 0 ? edge() : (int) Math.min(MAX, Math.exp(random.nextDouble() * Math.log(MAX + 1.0)) - 1);
            int from = random.nextInt(MAX);
            int fragments = random.nextInt(4) == 0 ? 2 + random.nextInt(3) : 1;
            if (random.nextBoolean()) {
                int start = whole(text, from);
                String message = text.substring(start, whole(text, start + size));
                int[] cuts = cuts(message.length(), fragments);
                for (int i = 0; i < fragments; i++) {
                    client.sendText(message.substring(whole(message, cuts[i]), whole(message, cuts[i + 1])), i == fragments - 1);
                }
                return new WsEvent.Text(message);
            }
            byte[] message = Arrays.copyOfRange(bytes, from, from + size);
            int[] cuts = cuts(message.length, fragments);
            for (int i = 0; i < fragments; i++) {
                client.sendBinary(Arrays.copyOfRange(message, cuts[i], cuts[i + 1]), i == fragments - 1);
            }
            return new WsEvent.Binary(message);
        }

        /** A cut at {@code i} moved back so it never splits a surrogate pair (each fragment must be valid text). */
        private static int whole(String s, int i) {
            return i > 0 && i < s.length() && Character.isLowSurrogate(s.charAt(i)) ? i - 1 : i;
        }

        private int edge() {
            int[] edges = {0, 1, 125, 126, 127, 65535, 65536, MAX};
            return edges[random.nextInt(edges.length)];
        }

        private int[] cuts(int length, int parts) {
            int[] cuts = new int[parts + 1];
            cuts[parts] = length;
            for (int i = 1; i < parts; i++) {
                cuts[i] = length == 0 ? 0 : Math.max(cuts[i - 1], random.nextInt(length + 1));
            }
            Arrays.sort(cuts, 1, parts);
            return cuts;
        }
    }
}
