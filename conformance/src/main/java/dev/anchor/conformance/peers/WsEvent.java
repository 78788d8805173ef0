package dev.anchor.conformance.peers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** What the JDK WebSocket client reported, one event per whole message or control frame. */
public sealed interface WsEvent {

    record Text(String text) implements WsEvent {
    }

    record Binary(byte[] bytes) implements WsEvent {
        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Binary[" + bytes.length + " bytes]";
        }
    }

    record Ping(byte[] payload) implements WsEvent {
        @Override
        public String toString() {
            return "Ping[" + new String(payload, StandardCharsets.ISO_8859_1) + "]";
        }
    }

    record Pong(byte[] payload) implements WsEvent {
        @Override
        public String toString() {
            return "Pong[" + new String(payload, StandardCharsets.ISO_8859_1) + "]";
        }
    }

    record Closed(int code, String reason) implements WsEvent {
    }

    record Failed(Throwable error) implements WsEvent {
    }
}
