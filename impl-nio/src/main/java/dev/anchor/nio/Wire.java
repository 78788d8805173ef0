package dev.anchor.nio;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a {@link Leg} reads and writes through: the socket itself ({@link PlainWire}), or TLS
 * records on it ({@link TlsWire}). The leg, its handlers and the relays see application bytes
 * only; whether they were sealed on the way is the wire's business and nobody else's.
 *
 * <p>A plain wire holds nothing of its own. A TLS wire may: records sealed and not yet taken by
 * the socket, bytes read from the socket and not yet asked for, a handshake in progress that
 * needs the selector for other things than the leg asked for. The methods below are how it says
 * so. Owned by the leg's event loop's thread.
 */
interface Wire {
    /** Application bytes into {@code into}: how many, 0 if none now, -1 at the end of the peer's stream. */
    int read(ByteBuffer into) throws IOException;

    /** Writes what it can of {@code from} (and of anything it holds); returns how many bytes the socket took. */
    int write(ByteBuffer from) throws IOException;

    /** Bytes of its own still to be written: sealed records, a close_notify, a FIN behind them. */
    default boolean holdsOutput() {
        return false;
    }

    /** Bytes already read from the socket that a read would yield: the selector will not say so again. */
    default boolean holdsInput() {
        return false;
    }

    /** What to ask the selector for, when the leg wants {@code wanted}. */
    default int interestOps(int wanted) {
        return wanted;
    }

    /** Does the work it owes itself (a handshake's next steps, its own bytes); true if application bytes may now move that could not. */
    default boolean progress() throws IOException {
        return false;
    }

    /** Whether application bytes can be carried yet: false until a TLS handshake is done. */
    default boolean established() {
        return true;
    }

    /** Called on the leg's loop when work the wire did elsewhere (a TLS delegated task) is done. */
    default void onResume(Runnable resume) {
    }

    /** No more writes from us (FIN; a close_notify first under TLS); reading goes on. */
    void shutdownOutput() throws IOException;

    /** The leg is closing: {@code politely} says goodbye if it has a way to (close_notify), never waiting; lets go of its buffers. */
    default void close(boolean politely) {
    }
}
