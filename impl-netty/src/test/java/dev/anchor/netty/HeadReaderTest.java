package dev.anchor.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.core.http.HeadLimits;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.RequestHeadParser;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The head decoder in an {@link EmbeddedChannel}: core's parser does the judging, so these check
 * only the Netty part, which is where the bytes after a head go and how a refusal surfaces.
 */
class HeadReaderTest {
    private static final String REQUEST = "GET /chat?x=1 HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n";

    @Test
    void aHeadInOneBufferIsEmittedAndTheBytesBehindItPassOnceTheDecoderIsRemoved() {
        EmbeddedChannel ch = new EmbeddedChannel(requests(), new RemoveDecoderOnHead());

        ch.writeInbound(bytes(REQUEST + "frame bytes"));

        RequestHead head = ch.readInbound();
        assertThat(head.target().raw()).isEqualTo("/chat?x=1");
        assertThat(text(ch.readInbound())).isEqualTo("frame bytes");
        assertThat(ch.inboundMessages()).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aHeadArrivingOneBytePerReadIsTheSameHead() {
        EmbeddedChannel ch = new EmbeddedChannel(requests(), new RemoveDecoderOnHead());

        byte[] all = REQUEST.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < all.length - 1; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(all, i, 1));
            assertThat(ch.inboundMessages()).as("nothing before the last byte").isEmpty();
        }
        ch.writeInbound(Unpooled.wrappedBuffer(all, all.length - 1, 1));

        RequestHead head = ch.readInbound();
        assertThat(head.headers().first("Upgrade")).hasValue("websocket");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void interimAndFinalResponseHeadsInOneBufferComeOutOneByOne() {
        EmbeddedChannel ch = new EmbeddedChannel(
                new HeadReader<>(() -> new ResponseHeadParser(HeadLimits.DEFAULT)), new RemoveDecoderOnFinalHead());

        ch.writeInbound(bytes("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
                + "\u0081\u0002hi"));

        assertThat(((ResponseHead) ch.readInbound()).status()).isEqualTo(103);
        assertThat(((ResponseHead) ch.readInbound()).status()).isEqualTo(101);
        assertThat(text(ch.readInbound())).isEqualTo("\u0081\u0002hi");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aRefusedHeadSurfacesWithItsStatus() {
        EmbeddedChannel ch = new EmbeddedChannel(requests());

        assertThatThrownBy(() -> ch.writeInbound(bytes("GET / HTTP/2.0\r\nHost: a\r\n\r\n")))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOfSatisfying(HeadParseException.class, e -> assertThat(e.status()).isEqualTo(505));
        ch.finishAndReleaseAll();
    }

    @Test
    void aHeadOverTheLimitIsRefusedBeforeItIsBuffered() {
        EmbeddedChannel ch = new EmbeddedChannel(new HeadReader<>(() -> new RequestHeadParser(new HeadLimits(1024, 10))));
        ch.writeInbound(bytes("GET / HTTP/1.1\r\nX-Big: "));

        assertThatThrownBy(() -> ch.writeInbound(bytes("a".repeat(2000))))
                .cause().isInstanceOfSatisfying(HeadParseException.class, e -> assertThat(e.status()).isEqualTo(431));
        ch.finishAndReleaseAll();
    }

    private static HeadReader<RequestHead> requests() {
        return new HeadReader<>(() -> new RequestHeadParser(HeadLimits.DEFAULT));
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    /** What the handshake handler does: take the head, then let the rest pass as plain bytes. */
    private static final class RemoveDecoderOnHead extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
            if (msg instanceof RequestHead) {
                ctx.pipeline().remove(HeadReader.class);
            }
        }
    }

    /** What the answer handler does: pass 1xx heads on and keep decoding, step aside after the final one. */
    private static final class RemoveDecoderOnFinalHead extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
            if (msg instanceof ResponseHead head && (head.status() == 101 || !head.informational())) {
                ctx.pipeline().remove(HeadReader.class);
            }
        }
    }
}
