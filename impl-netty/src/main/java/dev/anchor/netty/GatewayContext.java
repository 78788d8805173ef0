package dev.anchor.netty;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.HandshakePolicy;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import java.util.Map;

/**
 * What every handler of one gateway shares: core's runtime (decisions, accounting, configuration),
 * the transport, the open channels, and whether the gateway is stopping. Handlers hold their own
 * state; this holds only what outlives a connection.
 */
final class GatewayContext {
    private final GatewayRuntime runtime;
    private final Transport transport;
    private final ChannelGroup channels;
    private final Map<ChannelOption<?>, Object> clientOptions;
    private final Map<ChannelOption<?>, Object> backendOptions;
    /** Set by the thread that closes the gateway, read on the event loops. */
    private volatile boolean stopping;

    GatewayContext(GatewayRuntime runtime, Transport transport, ChannelGroup channels) {
        this.runtime = runtime;
        this.transport = transport;
        this.channels = channels;
        Map<ChannelOption<?>, Object> leg = legOptions();
        this.clientOptions = with(leg, SocketOptions.options(transport, runtime.config().tcpClient()));
        this.backendOptions = with(leg, SocketOptions.options(transport, runtime.config().tcpBackend()));
    }

    // tag::leg-options[]
    /**
     * The options of every connection the gateway holds, client or backend. Reads happen only when
     * a handler asks for one, and one read takes at most {@code tunnel.buffer} bytes (one buffer,
     * starting at that size and shrinking to what the last reads brought): the next read waits
     * until those bytes are written to the other leg ({@link RelayReads}, one per channel). A FIN
     * arrives as an event, not as a close, so the other direction can go on.
     */
    private static Map<ChannelOption<?>, Object> legOptions() {
        return Map.of(
                ChannelOption.AUTO_READ, false,
                ChannelOption.ALLOW_HALF_CLOSURE, true,
                ChannelOption.TCP_NODELAY, true);
    }

    /** Sets up a new leg, client or backend, before its first read. */
    void configure(Channel ch, Map<ChannelOption<?>, Object> options) {
        ch.config().setOptions(options);
        ch.config().setRecvByteBufAllocator(new RelayReads(config().tunnelBuffer()));
    }
    // end::leg-options[]

    private static Map<ChannelOption<?>, Object> with(Map<ChannelOption<?>, Object> a, Map<ChannelOption<?>, Object> b) {
        Map<ChannelOption<?>, Object> all = new java.util.HashMap<>(a);
        all.putAll(b);
        return Map.copyOf(all);
    }

    /** The options of a client connection: the leg options and {@code tcp.client}. */
    Map<ChannelOption<?>, Object> clientOptions() {
        return clientOptions;
    }

    /** The options of a backend connection: the leg options and {@code tcp.backend}. */
    Map<ChannelOption<?>, Object> backendOptions() {
        return backendOptions;
    }

    GatewayRuntime runtime() {
        return runtime;
    }

    GatewayConfig config() {
        return runtime.config();
    }

    HandshakePolicy handshakes() {
        return runtime.handshakes();
    }

    ConnectionRegistry registry() {
        return runtime.connections();
    }

    Transport transport() {
        return transport;
    }

    /** Every open channel, client and backend; closing them all is how the gateway stops. */
    ChannelGroup channels() {
        return channels;
    }

    boolean stopping() {
        return stopping;
    }

    void stop() {
        stopping = true;
    }
}
