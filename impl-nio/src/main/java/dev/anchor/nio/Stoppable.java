package dev.anchor.nio;

/** Something on a loop that the gateway must end when it stops: a handshake, a tunnel, a lingering leg. */
interface Stoppable {
    void stop();
}
