package dev.anchor.nio;

import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.HeadParser;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * Reads heads from one leg as their bytes come, a readiness event at a time, with core's parser:
 * no event waits for a whole head, and the deadline for it is the handshake's timer, not a read's.
 * One head after another (a backend's 1xx before its final answer), each with a fresh parser; what
 * came behind the last head stays in {@link #rest()} for whoever reads on.
 */
// tag::head-reader[]
final class HeadReader<T> {
    private static final int BUFFER = 8 * 1024;

    private final Supplier<? extends HeadParser<T>> parsers;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).flip();
    private HeadParser<T> parser;

    HeadReader(Supplier<? extends HeadParser<T>> parsers) {
        this.parsers = parsers;
        this.parser = parsers.get();
    }

    /**
     * Reads what the leg has and parses it: the head, or null while more is to come.
     *
     * @throws EOFException if the peer closes before the head is complete
     */
    T read(Leg leg) throws IOException, HeadParseException {
        buffer.compact();
        int n = leg.read(buffer);
        buffer.flip();
        if (n < 0) {
            throw new EOFException("closed after " + parser.consumed() + " bytes of a head");
        }
        return next();
    }

    /** The next head from what has been read already, or null: a 1xx may come with the final answer behind it. */
    T next() throws HeadParseException {
        T head = parser.parse(buffer);
        if (head != null) {
            parser = parsers.get();
        }
        return head;
    }
    // end::head-reader[]

    /** What came behind the last head: the first bytes of whatever follows it. */
    ByteBuffer rest() {
        return buffer;
    }
}
