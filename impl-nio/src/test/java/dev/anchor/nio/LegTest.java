package dev.anchor.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One leg on a real loopback connection whose peer reads nothing, with the loop's clock held by
 * hand: what waits, since when, and who lets go of a pooled buffer when.
 */
class LegTest {
    private static final long T0 = 1_000_000_000L;
    private static final long WRITE_TIMEOUT = 60_000_000_000L;

    private EventLoop loop;
    private ServerSocketChannel server;
    private SocketChannel mine;
    private SocketChannel peer;
    private final AtomicInteger closes = new AtomicInteger();
    private Leg leg;

    @BeforeEach
    void connect() throws IOException {
        loop = new EventLoop("test-loop", 16 * 1024, () -> T0); // never started: this thread is its owner
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        mine = SocketChannel.open();
        mine.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        mine.connect(server.getLocalAddress());
        peer = server.accept();
        peer.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        mine.configureBlocking(false);
        leg = new Leg(loop, mine, new LegHandler() {
            @Override
            public void readable(Leg l) {
            }

            @Override
            public void drained(Leg l) {
            }

            @Override
            public void failed(Leg l, IOException e) {
            }
        }, closes::incrementAndGet);
        leg.register(false);
    }

    @AfterEach
    void close() throws IOException {
        leg.close();
        peer.close();
        server.close();
    }

    @Test
    void aWriteTheSocketTakesAtOnceLeavesNothingWaiting() {
        assertThat(leg.send(ByteBuffer.wrap(new byte[100]))).isTrue();

        assertThat(leg.hasPending()).isFalse();
        assertThat(leg.stalledFor(T0 + WRITE_TIMEOUT)).isZero();
    }

    @Test
    void bytesTheSocketCannotTakeWaitAndTheirStallCountsFromThen() {
        assertThat(leg.send(ByteBuffer.wrap(new byte[16 << 20]))).as("more than the kernel takes").isFalse();

        assertThat(leg.hasPending()).isTrue();
        assertThat(leg.stalledFor(T0 + WRITE_TIMEOUT - 1)).isEqualTo(WRITE_TIMEOUT - 1);
        assertThat(leg.stalledFor(T0 + WRITE_TIMEOUT)).isEqualTo(WRITE_TIMEOUT);
    }

    @Test
    void aQueuedSliceHoldsItsBufferUntilTheLegClosesAndNotAfter() {
        fillTheSocket();
        BufferPool.Loan loan = loop.buffers().lend();
        ByteBuffer read = loan.buffer();
        read.put(new byte[1000]).flip();

        leg.send(read.slice(0, 500), loan);
        leg.send(read.slice(500, 500), loan);
        loan.release(); // the reader is done with it; two queued writes are not
        assertThat(loop.buffers().lent()).isEqualTo(1);

        leg.close();

        assertThat(loop.buffers().lent()).as("back once nothing will write it").isZero();
        assertThat(loop.buffers().pooled()).isEqualTo(1);
        assertThat(closes.get()).as("reported once").isEqualTo(1);
        leg.close();
        assertThat(closes.get()).isEqualTo(1);
    }

    @Test
    void aLegSayingGoodbyeTakesNothingAfterItsLastWords() {
        fillTheSocket();
        leg.finish(ByteBuffer.wrap(new byte[] {(byte) 0x88, 0}));

        assertThat(leg.send(ByteBuffer.wrap(new byte[10]))).isFalse();
        BufferPool.Loan loan = loop.buffers().lend();
        assertThat(leg.send(loan.buffer(), loan)).isFalse();
        loan.release();
        assertThat(loop.buffers().lent()).as("a refused send holds no loan").isZero();
    }

    private void fillTheSocket() {
        leg.send(ByteBuffer.wrap(new byte[16 << 20]));
        assertThat(leg.hasPending()).isTrue();
    }
}
