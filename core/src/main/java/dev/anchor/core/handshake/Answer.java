package dev.anchor.core.handshake;

import java.nio.ByteBuffer;

/** What the gateway does with the backend's answer to a forwarded handshake. */
public sealed interface Answer {

    /** The backend switched: write {@code head} to the client, then tunnel bytes both ways. */
    record Switch(ByteBuffer head) implements Answer {
    }

    /** The backend refused: write {@code head} and the body it frames to the client, then close. */
    record PassOn(ByteBuffer head, ResponseBody body, int status) implements Answer {
    }

    /** An informational answer (100, 103): write {@code head}, then read the backend's next head. */
    record Interim(ByteBuffer head) implements Answer {
    }

    /** The backend's answer cannot be passed on: tell the client {@code rejection} instead. */
    record Refuse(Rejection rejection) implements Answer {
    }
}
