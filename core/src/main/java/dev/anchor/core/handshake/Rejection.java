package dev.anchor.core.handshake;

import dev.anchor.core.http.HeaderField;
import dev.anchor.core.http.Headers;
import dev.anchor.core.http.HttpVersion;
import dev.anchor.core.http.ResponseHead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's own refusal of a connection: a status, a one-line reason a human can act on, and
 * the fields that status obliges (Allow for 405, Upgrade for 426, Retry-After for 503). The
 * connection closes after it.
 */
public record Rejection(int status, String detail, List<HeaderField> extraFields) {
    public Rejection {
        Objects.requireNonNull(detail, "detail");
        extraFields = List.copyOf(extraFields);
        StatusLine.reason(status);
    }

    public static Rejection of(int status, String detail) {
        return new Rejection(status, detail, List.of());
    }

    public Rejection with(String name, String value) {
        List<HeaderField> more = new ArrayList<>(extraFields);
        more.add(new HeaderField(name, value));
        return new Rejection(status, detail, more);
    }

    public ResponseHead head() {
        byte[] body = body();
        List<HeaderField> fields = new ArrayList<>(extraFields.size() + 3);
        fields.add(new HeaderField("Content-Type", "text/plain; charset=utf-8"));
        fields.add(new HeaderField("Content-Length", Integer.toString(body.length)));
        fields.addAll(extraFields);
        if (fields.stream().noneMatch(f -> f.is("Connection"))) {
            fields.add(new HeaderField("Connection", "close"));
        }
        return new ResponseHead(HttpVersion.HTTP_1_1, status, StatusLine.reason(status), Headers.of(fields));
    }

    /** Head and body, ready to write. */
    public ByteBuffer response() {
        ByteBuffer head = head().render();
        byte[] body = body();
        return ByteBuffer.allocate(head.remaining() + body.length).put(head).put(body).flip();
    }

    private byte[] body() {
        return (status + " " + StatusLine.reason(status) + ": " + detail + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
