package dev.anchor.nio;

/** Something on a loop that the gateway must end when it stops: a session, or a tunnel. */
interface Stoppable {
    void stop();
}
