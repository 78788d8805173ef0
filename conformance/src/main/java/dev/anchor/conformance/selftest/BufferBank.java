package dev.anchor.conformance.selftest;

import java.util.ArrayDeque;

/**
 * The mini gateway's read buffers, borrowed per read and given back once the write from it is
 * done; first given back, first lent again, so every buffer goes round all the tunnels.
 */
final class BufferBank {
    private final int size;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();

    BufferBank(int size) {
        this.size = size;
    }

    synchronized byte[] take() {
        byte[] b = free.poll();
        return b != null ? b : new byte[size];
    }

    synchronized void give(byte[] b) {
        if (b != null) {
            free.add(b);
        }
    }
}
