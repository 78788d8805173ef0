package dev.anchor.core.http;

import java.nio.ByteBuffer;
import java.util.Objects;

/** A parsed request head: what a client asked for before any body or WebSocket frame. */
public record RequestHead(String method, RequestTarget target, HttpVersion version, Headers headers) {
    public RequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(headers, "headers");
        if (!Syntax.isToken(method)) {
            throw new IllegalArgumentException("method is not a token: " + method);
        }
    }

    public String path() {
        return target.path();
    }

    /** The head on the wire: start line, field lines, empty line; ISO-8859-1 as HTTP/1.1 is. */
    public ByteBuffer render() {
        return HeadWriter.render(method + ' ' + target.raw() + ' ' + version, headers);
    }
}
