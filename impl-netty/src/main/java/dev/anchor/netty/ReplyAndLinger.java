package dev.anchor.netty;

import dev.anchor.core.gateway.Linger;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a connection the gateway ends politely: a client it answered without a
 * tunnel (a refusal, its own page, a backend's non-101 answer), or a tunnel's leg that core's plan
 * says to {@code FINISH}. Closing a socket with unread input makes the kernel send RST, which can
 * destroy the response before the peer reads it; so the response (or Close frame) goes out, then
 * FIN, then whatever the peer still sends is read and dropped, for at most {@link Linger#TIME} and
 * {@link Linger#BYTES}, and only then the connection closes.
 */
// tag::reply-and-linger[]
final class ReplyAndLinger extends ChannelInboundHandlerAdapter {
    /** Bytes read and dropped so far. Event loop only. */
    private int drained;
    private ScheduledFuture<?> deadline;

    /** Replaces every handler of {@code client}'s pipeline but its TLS layer, writes {@code response}, and lingers. */
    static void to(Channel client, ByteBuffer response) {
        to(client, Unpooled.wrappedBuffer(response));
    }

    static void to(Channel client, ByteBuf response) {
        if (TlsLeg.handshaking(client)) {
            // the head's deadline, come before the TLS handshake finished: there is no session to answer in
            response.release();
            client.close();
            return;
        }
        ChannelPipeline p = client.pipeline();
        ReplyAndLinger linger = new ReplyAndLinger();
        p.addLast(linger);
        // last to first, so that a head reader, removed last, hands what it still holds to us; a TLS
        // layer beneath them stays, to encrypt the response and decrypt what we drain
        List<String> names = p.names();
        for (int i = names.size() - 1; i >= 0; i--) {
            ChannelHandler h = p.get(names.get(i));
            if (h != null && h != linger && !TlsLeg.isLayer(h)) {
                p.remove(h);
            }
        }
        client.writeAndFlush(response);
        Leg.shutdownOutputOnFlush(client).addListener((ChannelFutureListener) sent -> {
            if (sent.isSuccess() && !Leg.inputEnded(client)) {
                linger.drain(p.context(linger));
            } else {
                client.close();
            }
        });
    }
    // end::reply-and-linger[]

    private void drain(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            ctx.close();
        }, Linger.TIME.toMillis(), TimeUnit.MILLISECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            drained += b.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (drained >= Linger.BYTES) {
            ctx.close();
        } else if (deadline != null) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close(); // the client hung up too: nothing left to wait for
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // it reset, most likely: the close is all we owe it
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
