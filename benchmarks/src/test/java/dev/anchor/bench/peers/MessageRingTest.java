package dev.anchor.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageRingTest {
    @Test
    void smallFramesHaveTheShortLengthForm() {
        MessageRing ring = new MessageRing(64, 1);
        ByteBuffer request = ring.request(0);
        assertThat(request.get(0)).isEqualTo((byte) 0x82);
        assertThat(request.get(1)).isEqualTo((byte) (0x80 | 64));
        assertThat(ring.requestBytes).isEqualTo(2 + 4 + 64);
        assertThat(ring.echo(0).get(1)).isEqualTo((byte) 64);
        assertThat(ring.echoBytes).isEqualTo(2 + 64);
    }

    @Test
    void sixtyFourKibNeedsTheEightByteLength() {
        MessageRing ring = new MessageRing(65_536, 1);
        ByteBuffer echo = ring.echo(3);
        assertThat(echo.get(1)).isEqualTo((byte) 127);
        assertThat(echo.getLong(2)).isEqualTo(65_536);
        assertThat(ring.echoBytes).isEqualTo(10 + 65_536);
    }

    @Test
    void eachRequestUnmaskedIsItsEcho() {
        MessageRing ring = new MessageRing(300, 7);
        for (int f = 0; f < ring.frames; f++) {
            ByteBuffer request = ring.request(f);
            ByteBuffer echo = ring.echo(f);
            int header = MessageRing.headerBytes(300);
            byte[] key = new byte[4];
            request.get(header, key);
            for (int i = 0; i < 300; i++) {
                assertThat((byte) (request.get(header + 4 + i) ^ key[i & 3])).isEqualTo(echo.get(header + i));
            }
        }
    }

    @Test
    void consecutiveMessagesDiffer() {
        MessageRing ring = new MessageRing(64, 3);
        Set<ByteBuffer> echoes = new HashSet<>();
        for (int f = 0; f < ring.frames; f++) {
            echoes.add(ring.echo(f));
        }
        assertThat(echoes).hasSize(ring.frames);
    }

    @Test
    void theEchoStreamMatchesAcrossTheRingsEnd() {
        MessageRing ring = new MessageRing(64, 5);
        long position = (long) ring.frames * ring.echoBytes - 10; // ten bytes before the ring wraps
        ByteBuffer received = ByteBuffer.allocate(10 + ring.echoBytes);
        received.put(ring.echo(ring.frames - 1).position(ring.echoBytes - 10)).put(ring.echo(0)).flip();
        assertThat(ring.mismatch(received, position)).isEqualTo(-1);
    }

    @Test
    void aChangedByteIsFoundAtItsStreamPosition() {
        MessageRing ring = new MessageRing(64, 5);
        ByteBuffer received = ByteBuffer.allocate(3 * ring.echoBytes);
        received.put(ring.echo(4)).put(ring.echo(5)).put(ring.echo(6)).flip();
        received.put(ring.echoBytes + 20, (byte) (received.get(ring.echoBytes + 20) ^ 1));
        long start = 4L * ring.echoBytes;
        assertThat(ring.mismatch(received, start)).isEqualTo(start + ring.echoBytes + 20);
    }

    @Test
    void aLostMessageShowsAsAMismatch() {
        MessageRing ring = new MessageRing(64, 5);
        ByteBuffer received = ByteBuffer.allocate(2 * ring.echoBytes);
        received.put(ring.echo(4)).put(ring.echo(6)).flip(); // message 5 is missing
        assertThat(ring.mismatch(received, 4L * ring.echoBytes)).isNotEqualTo(-1);
    }

    @Test
    void connectionsStartAtDifferentMessages() {
        MessageRing ring = new MessageRing(64 * 1024, 5);
        Set<Integer> starts = new HashSet<>();
        for (int c = 0; c < ring.frames; c++) {
            starts.add(ring.firstFrame(c));
        }
        assertThat(starts).hasSize(ring.frames);
    }
}
