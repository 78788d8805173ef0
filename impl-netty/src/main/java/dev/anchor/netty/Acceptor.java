package dev.anchor.netty;

import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.http.RequestHeadParser;
import dev.anchor.core.tls.ServerTls;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * Sets up each accepted client connection: its options, its place in the gateway's accounting, and
 * the pipeline it starts with, [head reader, handshake], on a TLS listener [TLS, head reader,
 * handshake]. The handshake replaces the last two later with a tunnel or a lingering close; the
 * TLS layer stays as long as the connection.
 */
// tag::accept[]
@ChannelHandler.Sharable
final class Acceptor extends ChannelInitializer<SocketChannel> {
    private final GatewayContext gateway;

    Acceptor(GatewayContext gateway) {
        this.gateway = gateway;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ConnectionRegistry registry = gateway.registry();
        registry.clientOpened();
        ch.closeFuture().addListener((ChannelFutureListener) closed -> registry.clientClosed());
        gateway.channels().add(ch);
        if (gateway.stopping()) {
            ch.close();
            return;
        }
        gateway.configure(ch, gateway.clientOptions());
        ServerTls tls = gateway.runtime().tls(); // asked per connection: a reload may have changed the certificates
        if (tls != null) {
            TlsLeg.install(ch, tls, gateway.config().timeouts());
        }
        ch.pipeline().addLast("head", new HeadReader<>(() -> new RequestHeadParser(gateway.config().head())));
        ch.pipeline().addLast("handshake", new HandshakeHandler(gateway));
    }
}
// end::accept[]
