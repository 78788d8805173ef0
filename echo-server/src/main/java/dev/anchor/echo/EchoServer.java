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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket server that sends every data frame back as it came (text, binary and continuation
 * frames alike, so fragmentation is preserved), answers pings, and echoes a close. It accepts an
 * upgrade on any path and records each handshake it saw, so a test can check what a gateway
 * forwarded.
 */
public final class EchoServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();

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

    /** The upgrade requests received so far, in arrival order. */
    public List<Handshake> handshakes() {
        return List.copyOf(handshakes);
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
                handshakes.add(new Handshake(request.method().name(), request.uri(),
                        List.copyOf(request.headers().entries()),
                        (InetSocketAddress) ctx.channel().remoteAddress()));
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
