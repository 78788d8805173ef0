package dev.anchor.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket server that sends every data frame back as it came (text, binary and continuation
 * frames alike, so fragmentation is preserved), answers pings, and echoes a close. It accepts an
 * upgrade on any path and records the latest handshakes it saw ({@value #KEPT} of them), so a
 * test can check what a gateway forwarded, and counts them all.
 */
public final class EchoServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** Handshakes recorded: enough for a test, bounded for a server that takes millions of upgrades. */
    static final int KEPT = 1_000;
    private final ArrayDeque<Handshake> handshakes = new ArrayDeque<>();
    private final AtomicLong handshakeCount = new AtomicLong();

    private EchoServer(EchoOptions options) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(options.threads(), NioIoHandler.newFactory());
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .subprotocols(options.subprotocols().isEmpty() ? null : String.join(",", options.subprotocols()))
                .handleCloseFrames(true)
                .dropPongFrames(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(options.maxFrameBytes())
                        .allowExtensions(false)
                        .build())
                .build();
        try {
            listener = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            ch.pipeline().addLast(
                                    new HttpServerCodec(),
                                    new HttpObjectAggregator(64 * 1024),
                                    new HandshakeRecorder(),
                                    new WebSocketServerProtocolHandler(ws),
                                    new EchoHandler());
                        }
                    })
                    .bind(options.bind())
                    .sync()
                    .channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public static EchoServer start(EchoOptions options) throws InterruptedException {
        return new EchoServer(options);
    }

    /** An echo server on an ephemeral loopback port with default options. */
    public static EchoServer start() throws InterruptedException {
        return new EchoServer(EchoOptions.loopback());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The latest upgrade requests received (at most {@value #KEPT}), in arrival order. */
    public List<Handshake> handshakes() {
        synchronized (handshakes) {
            return List.copyOf(handshakes);
        }
    }

    /** Empties the record of handshakes (not their count): a benchmark's reading should not include it. */
    public void forgetHandshakes() {
        synchronized (handshakes) {
            handshakes.clear();
        }
    }

    /** Upgrade requests received since the start, whether still recorded or not. */
    public long handshakeCount() {
        return handshakeCount.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return connections.size();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        connections.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * What the server saw of one handshake: request line, field lines in order (names as sent),
     * and who connected.
     */
    public record Handshake(String method, String uri, List<Map.Entry<String, String>> headers,
                            InetSocketAddress remote) {
        public List<String> all(String name) {
            return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }
    }

    private final class HandshakeRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request) {
                Handshake seen = new Handshake(request.method().name(), request.uri(),
                        List.copyOf(request.headers().entries()),
                        (InetSocketAddress) ctx.channel().remoteAddress());
                synchronized (handshakes) {
                    if (handshakes.size() == KEPT) {
                        handshakes.removeFirst();
                    }
                    handshakes.addLast(seen);
                }
                handshakeCount.incrementAndGet();
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
