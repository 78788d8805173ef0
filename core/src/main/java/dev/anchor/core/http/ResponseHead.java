package dev.anchor.core.http;

import java.nio.ByteBuffer;
import java.util.Objects;

/** A parsed response head, as a backend sent it. */
public record ResponseHead(HttpVersion version, int status, String reason, Headers headers) {
    public ResponseHead {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(headers, "headers");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status out of range: " + status);
        }
    }

    public boolean informational() {
        return status < 200;
    }

    public ByteBuffer render() {
        return HeadWriter.render(version + " " + status + ' ' + reason, headers);
    }
}
