package dev.anchor.core.capacity;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One holding of a source (address, port) pair from a {@link SourcePortPool}: what an upstream
 * socket binds to before it connects. Each acquire makes a new object, even for a pair held
 * before, so that a holder who hands its pair back twice is caught instead of freeing the pair
 * from under its next holder. Equal only to itself.
 */
public final class SourceSlot {
    private final SourcePortPool pool;
    private final InetAddress address;
    private final int port;
    private final int index;
    /** The pool's stamp for the slot when this holding began; it changes when the holding ends. */
    private final int stamp;

    SourceSlot(SourcePortPool pool, InetAddress address, int port, int index, int stamp) {
        this.pool = pool;
        this.address = address;
        this.port = port;
        this.index = index;
        this.stamp = stamp;
    }

    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The pair's place in its pool, from 0 to capacity - 1; the same pair always has the same index. */
    public int index() {
        return index;
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    SourcePortPool pool() {
        return pool;
    }

    int stamp() {
        return stamp;
    }

    @Override
    public String toString() {
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
