package dev.anchor.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Function;

/**
 * The I/O underneath the pipeline: Linux's epoll through Netty's native library when it loads,
 * the JDK's selector otherwise. The handlers never know which; only the event loops and the
 * channel classes differ. A channel is made for an address family: an IPv4 peer gets an IPv4
 * socket, not an IPv6 one reaching it through a mapped address (see core's SocketFamily).
 */
// tag::transport[]
record Transport(String name,
                 IoHandlerFactory ioHandlers,
                 Function<SocketProtocolFamily, ServerChannel> serverChannel,
                 Function<SocketProtocolFamily, SocketChannel> socketChannel) {

    /** Epoll if the native transport is on the class path and loads on this machine, else NIO. */
    static Transport best() {
        return Epoll.isAvailable() ? epoll() : nio();
    }

    static Transport epoll() {
        Epoll.ensureAvailability();
        return new Transport("epoll", EpollIoHandler.newFactory(),
                EpollServerSocketChannel::new, EpollSocketChannel::new);
    }

    static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(),
                family -> new NioServerSocketChannel(SelectorProvider.provider(), family),
                family -> new NioSocketChannel(SelectorProvider.provider(), family));
    }
}
// end::transport[]
