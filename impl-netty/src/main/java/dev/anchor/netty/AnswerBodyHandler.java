package dev.anchor.netty;

import dev.anchor.core.handshake.ResponseBody;
import dev.anchor.core.http.HeadParseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Passes the body of a backend's non-101 answer to the client as it came, as far as core's
 * {@link ResponseBody} says it goes, then closes the backend and lets the client connection
 * linger and close. Like the tunnel it reads the next buffer only when the last one is written,
 * and it gives up on a backend that sends nothing for {@code timeouts.handshake}.
 */
final class AnswerBodyHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(AnswerBodyHandler.class.getName());

    private final Channel client;
    private final ResponseBody body;
    private final long quietMillis;
    // event loop only
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> deadline;
    private boolean writing;
    private boolean finished;

    AnswerBodyHandler(Channel client, ResponseBody body, Duration quiet) {
        this.client = client;
        this.body = body;
        this.quietMillis = quiet.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Called once the bytes read with the head have been passed on. */
    void start() {
        if (body.complete()) {
            finish();
        } else if (!writing) {
            readMore();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        if (finished) {
            bytes.release();
            return;
        }
        int n;
        try {
            n = body.take(bytes.nioBuffer());
        } catch (HeadParseException malformed) {
            LOG.log(System.Logger.Level.DEBUG, () -> "backend body cut short: " + malformed.getMessage());
            bytes.release();
            finish();
            return;
        }
        ByteBuf part = bytes.readRetainedSlice(n);
        bytes.release(); // anything past the end of the body is not for the client
        writing = true;
        client.writeAndFlush(part).addListener((ChannelFutureListener) written -> {
            writing = false;
            if (!written.isSuccess() || body.complete()) {
                finish();
            } else {
                readMore();
            }
        });
    }

    private void readMore() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        deadline = ctx.executor().schedule(() -> {
            finish();
        }, quietMillis, TimeUnit.MILLISECONDS);
        ctx.read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            finish(); // the end of a body that ends at close, or a backend that gave up
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish();
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.close();
        if (client.isOpen()) {
            ReplyAndLinger.to(client, Unpooled.EMPTY_BUFFER);
        }
    }
}
