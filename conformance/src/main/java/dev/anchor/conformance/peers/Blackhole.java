package dev.anchor.conformance.peers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address where a connect neither succeeds nor fails: a listener that never accepts,
 * with its accept queue filled, so Linux drops further SYNs and the connect can only time out.
 */
public final class Blackhole implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    private Blackhole() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(listener.getLocalSocketAddress(), 200);
                fillers.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return;
            }
        }
        close();
        throw new IllegalStateException("the accept queue never filled; SYNs are not being dropped here");
    }

    public static Blackhole open() throws IOException {
        return new Blackhole();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        listener.close();
    }
}
