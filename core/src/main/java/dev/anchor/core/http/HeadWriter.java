package dev.anchor.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Writes a start line and field lines the way the parsers read them. */
final class HeadWriter {
    private HeadWriter() {
    }

    static ByteBuffer render(String startLine, Headers headers) {
        StringBuilder sb = new StringBuilder(startLine.length() + 32 * (headers.size() + 1));
        sb.append(startLine).append("\r\n");
        for (HeaderField f : headers.fields()) {
            sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
