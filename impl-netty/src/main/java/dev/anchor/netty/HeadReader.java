package dev.anchor.netty;

import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.HeadParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns bytes into HTTP heads with core's parser, so the Netty gateway accepts and refuses exactly
 * what the other two do (400, 414, 431, 505 and their reasons come from the parser, not from here).
 *
 * <p>It emits one head per parser, starting a fresh parser for the next one (a backend may send
 * 1xx heads before its final one). It never reads past the end of a head: the handler that
 * receives the final head removes this decoder, and {@link ByteToMessageDecoder} then passes the
 * bytes that came behind the head down the pipeline as a plain {@link ByteBuf}. Those bytes are
 * WebSocket frames, or a response body, and belong to whatever comes next.
 *
 * <p>A head the parser refuses surfaces as a {@code DecoderException} whose cause is core's
 * {@code HeadParseException}, carrying the status to answer with.
 */
// tag::head-reader[]
final class HeadReader<T> extends ByteToMessageDecoder {
    private final Supplier<? extends HeadParser<T>> parsers;
    private HeadParser<T> parser;
    /** A head was refused: whatever follows is not read as a head again. */
    private boolean refused;

    HeadReader(Supplier<? extends HeadParser<T>> parsers) {
        this.parsers = parsers;
        this.parser = parsers.get();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        // a view of the readable bytes: the parser reads it, then we move the reader index by as
        // much as it took (everything, unless the head ended inside this buffer)
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        ByteBuffer view = in.nioBuffer(in.readerIndex(), in.readableBytes());
        T head;
        try {
            head = parser.parse(view);
        } catch (HeadParseException e) {
            refused = true;
            throw e;
        }
        in.skipBytes(view.position());
        if (head != null) {
            out.add(head);
            parser = parsers.get();
        }
    }
}
// end::head-reader[]
