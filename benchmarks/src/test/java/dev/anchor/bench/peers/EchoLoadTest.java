package dev.anchor.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checker checked: a faithful path passes, a path that changes or loses one byte fails the run. */
class EchoLoadTest {
    private EchoServer echo;

    @BeforeEach
    void start() throws InterruptedException {
        echo = EchoServer.start();
    }

    @AfterEach
    void stop() {
        echo.close();
    }

    @Test
    void aFaithfulPathEchoesEveryMessage() throws IOException {
        try (EchoLoad load = EchoLoad.open(echo.address(), 4, 8, new MessageRing(64, 1))) {
            LatencySamples latencies = new LatencySamples();
            EchoLoad.Tally tally = load.run(Duration.ofMillis(300), latencies);
            load.finish(Duration.ofSeconds(5));
            assertThat(tally.messages()).isPositive();
            assertThat(latencies.size()).isEqualTo(tally.messages());
        }
    }

    @Test
    void aChangedByteFailsTheRun() throws IOException {
        // the 5,000th byte from the server has its lowest bit flipped
        try (Relay relay = new Relay(echo.address(), n -> n == 5_000 ? 1 : 0, false)) {
            assertThatThrownBy(() -> runThrough(relay))
                    .isInstanceOf(WrongEchoException.class)
                    .hasMessageContaining("echoed byte");
        }
    }

    @Test
    void aLostByteFailsTheRun() throws IOException {
        try (Relay relay = new Relay(echo.address(), n -> 0, true)) {
            assertThatThrownBy(() -> runThrough(relay)).isInstanceOf(WrongEchoException.class);
        }
    }

    @Test
    void theUpgradeLoadChecksItsEchoes() throws Exception {
        try (Relay relay = new Relay(echo.address(), n -> n == 30 ? 1 : 0, false)) {
            UpgradeLoad load = new UpgradeLoad(relay.address(), 1, new MessageRing(64, 1));
            assertThatThrownBy(() -> load.run(Duration.ofMillis(500))).isInstanceOf(WrongEchoException.class);
        }
        UpgradeLoad faithful = new UpgradeLoad(echo.address(), 2, new MessageRing(64, 1));
        assertThat(faithful.run(Duration.ofMillis(200)).upgrades()).isPositive();
    }

    private static void runThrough(Relay relay) throws IOException {
        try (EchoLoad load = EchoLoad.open(relay.address(), 1, 4, new MessageRing(64, 1))) {
            load.run(Duration.ofMillis(300), null);
            load.finish(Duration.ofSeconds(1));
        }
    }

    /**
     * A one-connection-at-a-time TCP relay to the echo server that passes client bytes unchanged and
     * may spoil the server's: XOR the n-th byte (counted from the first after the 101's head) with
     * flip(n), or drop the 2,000th byte.
     */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listener;

        Relay(InetSocketAddress upstream, IntUnaryOperator flip, boolean dropOne) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket client = listener.accept();
                        Socket server = new Socket(upstream.getAddress(), upstream.getPort());
                        server.setTcpNoDelay(true);
                        Thread.ofPlatform().daemon().start(() -> pump(client, server, n -> 0, false));
                        Thread.ofPlatform().daemon().start(() -> pump(server, client, flip, dropOne));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return (InetSocketAddress) listener.getLocalSocketAddress();
        }

        private static void pump(Socket from, Socket to, IntUnaryOperator flip, boolean dropOne) {
            try (from; to) {
                from.setTcpNoDelay(true);
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                byte[] chunk = new byte[8192];
                byte[] spoiled = new byte[8192];
                int tail = 0;
                boolean inHead = true;
                int n = 0;
                for (int read; (read = in.read(chunk)) >= 0; ) {
                    int kept = 0;
                    for (int i = 0; i < read; i++) {
                        int b = chunk[i] & 0xff;
                        if (inHead) {
                            tail = (tail << 8) | b;
                            inHead = tail != 0x0d0a0d0a;
                        } else {
                            n++;
                            if (dropOne && n == 2_000) {
                                continue;
                            }
                            b ^= flip.applyAsInt(n);
                        }
                        spoiled[kept++] = (byte) b;
                    }
                    out.write(spoiled, 0, kept);
                }
            } catch (IOException ignored) {
                // one side closed
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
