package dev.anchor.core.http;

import dev.anchor.core.Gens;
import java.nio.ByteBuffer;
import java.util.List;

/** Feeds a parser the way a socket would: one buffer per read, each read a slice of the stream. */
final class Feeding {
    private Feeding() {
    }

    /** The head a parser returned ({@code null} if the bytes ran out first) and where it ended in the stream. */
    record Fed<T>(T head, int end) {
    }

    static <T> Fed<T> feed(HeadParser<T> parser, byte[] stream, List<Integer> readSizes) throws HeadParseException {
        int offset = 0;
        for (byte[] read : Gens.chop(stream, readSizes)) {
            ByteBuffer buffer = ByteBuffer.wrap(read);
            T head = parser.parse(buffer);
            if (head != null) {
                return new Fed<>(head, offset + buffer.position());
            }
            if (buffer.hasRemaining()) {
                throw new AssertionError("parse returned null but left " + buffer.remaining() + " bytes unread");
            }
            offset += read.length;
        }
        return new Fed<>(null, offset);
    }

    static byte[] bytes(ByteBuffer rendered) {
        byte[] bytes = new byte[rendered.remaining()];
        rendered.duplicate().get(bytes);
        return bytes;
    }
}
