package dev.anchor.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.http.HeadLimits;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.HeadParser;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.RequestHeadParser;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and reads HTTP heads for tests. Heads are written as their lines, without line endings:
 * {@code head("GET / HTTP/1.1", "Host: a")} is the wire text {@code "GET / HTTP/1.1\r\nHost: a\r\n\r\n"}.
 */
public final class Heads {
    /** RFC 6455 section 1.3: the sample nonce and the accept value it must produce. */
    public static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    public static final String SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private Heads() {
    }

    /** The lines joined with CRLF, followed by the empty line that ends a head. */
    public static String head(String... lines) {
        return String.join("\r\n", lines) + "\r\n\r\n";
    }

    public static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static ByteBuffer buffer(String text) {
        return ByteBuffer.wrap(latin1(text));
    }

    /** The remaining bytes of {@code b} as ISO-8859-1 text; the buffer is not moved. */
    public static String text(ByteBuffer b) {
        ByteBuffer view = b.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    public static RequestHead request(String wire) {
        return complete(new RequestHeadParser(HeadLimits.DEFAULT), buffer(wire));
    }

    public static ResponseHead response(String wire) {
        return complete(new ResponseHeadParser(HeadLimits.DEFAULT), buffer(wire));
    }

    /** Reads the response head at the start of {@code wire}; the buffer is not moved. */
    public static ResponseHead response(ByteBuffer wire) {
        return complete(new ResponseHeadParser(HeadLimits.DEFAULT), wire.duplicate());
    }

    public static HeadParseException requestError(String wire) {
        return requestError(HeadLimits.DEFAULT, wire);
    }

    public static HeadParseException requestError(HeadLimits limits, String wire) {
        return error(new RequestHeadParser(limits), wire);
    }

    public static HeadParseException responseError(String wire) {
        return error(new ResponseHeadParser(HeadLimits.DEFAULT), wire);
    }

    /**
     * A valid WebSocket opening handshake for {@code /chat} with the RFC's sample key, changed by
     * {@code edits} as {@link #edited} does.
     */
    public static RequestHead upgrade(String... edits) {
        return request(head(edited(List.of(
                "GET /chat HTTP/1.1",
                "Host: gw.example",
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Key: " + SAMPLE_KEY,
                "Sec-WebSocket-Version: 13"), edits)));
    }

    /** The lines of a head with each edit applied: {@code "-Name"} removes the Name fields, any other line is appended. */
    public static String[] edited(List<String> lines, String... edits) {
        List<String> result = new ArrayList<>(lines);
        for (String edit : edits) {
            if (edit.startsWith("-")) {
                String name = edit.substring(1) + ":";
                result.removeIf(l -> l.regionMatches(true, 0, name, 0, name.length()));
            } else {
                result.add(edit);
            }
        }
        return result.toArray(String[]::new);
    }

    /** Printable form of bytes for failure messages: CR, LF and non-ASCII escaped. */
    public static String escape(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\\' -> sb.append("\\\\");
                default -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "\\x%02x".formatted(c));
            }
        }
        return sb.toString();
    }

    private static <T> T complete(HeadParser<T> parser, ByteBuffer wire) {
        try {
            T head = parser.parse(wire);
            assertThat(head).as("a complete head").isNotNull();
            return head;
        } catch (HeadParseException e) {
            throw new AssertionError("expected a valid head, got " + e.status() + ": " + e.getMessage(), e);
        }
    }

    private static HeadParseException error(HeadParser<?> parser, String wire) {
        Object head;
        try {
            head = parser.parse(buffer(wire));
        } catch (HeadParseException e) {
            return e;
        }
        throw new AssertionError("expected a refusal of '" + escape(latin1(wire)) + "', got " + head);
    }
}
