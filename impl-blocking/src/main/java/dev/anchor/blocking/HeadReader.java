package dev.anchor.blocking;

import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.HeadParser;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * Reads one head from a leg with core's parser under a deadline for the whole head, not per read:
 * a client that trickles one byte a second must still hit it (slowloris).
 */
final class HeadReader {
    private HeadReader() {
    }

    /**
     * Returns the head; {@code buffer} (in read mode) is left holding the bytes that came after it.
     *
     * @throws SocketTimeoutException if the deadline passes first
     * @throws EOFException if the peer closes first
     */
    // tag::head-reader[]
    static <T> T read(Leg leg, HeadParser<T> parser, ByteBuffer buffer, long deadlineNanos)
            throws IOException, HeadParseException {
        while (true) {
            T head = parser.parse(buffer);
            if (head != null) {
                return head;
            }
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("head not complete in time");
            }
            leg.readTimeout(left);
            buffer.clear();
            int n = leg.read(buffer.array(), 0, buffer.capacity());
            if (n < 0) {
                throw new EOFException("peer closed after " + parser.consumed() + " bytes of a head");
            }
            buffer.limit(n);
        }
    }
    // end::head-reader[]
}
