package dev.anchor.core.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A resumable reader of one HTTP/1.1 head (start line, field lines, empty line) over buffers of
 * any size. Feed it what the socket gave; it returns {@code null} until the head is complete, then
 * the head, with the buffer positioned on the first byte after it. Those bytes belong to whatever
 * comes next (for an upgrade: the first WebSocket frames) and must not be lost.
 *
 * <p>It is strict where RFC 9112 says a recipient must reject (bare CR, whitespace before the
 * colon, obs-fold, control characters) and also refuses a bare LF, which RFC 9112 only allows:
 * a gateway that reads lines differently from its backend invites request smuggling.
 *
 * <p>Not thread-safe; one parser reads one head.
 */
// tag::head-parser[]
public abstract sealed class HeadParser<T> permits RequestHeadParser, ResponseHeadParser {
    private final HeadLimits limits;
    private final List<HeaderField> fields = new ArrayList<>();
    private byte[] line = new byte[128];
    private int lineLength;
    private int consumed;
    private boolean sawCr;
    private boolean startLineSeen;
    private boolean done;

    HeadParser(HeadLimits limits) {
        this.limits = limits;
    }

    /** Consumes head bytes from {@code src}; returns the head once its empty line arrived, else null. */
    public final T parse(ByteBuffer src) throws HeadParseException {
        if (done) {
            throw new IllegalStateException("this parser has already read its head");
        }
        while (src.hasRemaining()) {
            byte b = src.get();
            if (++consumed > limits.maxBytes()) {
                throw tooLarge(startLineSeen, limits.maxBytes());
            }
            if (sawCr) {
                if (b != '\n') {
                    throw malformed("CR not followed by LF");
                }
                sawCr = false;
                T head = endOfLine();
                if (head != null) {
                    done = true;
                    return head;
                }
            } else if (b == '\r') {
                sawCr = true;
            } else if (b == '\n') {
                throw malformed("line ends in LF without CR");
            } else {
                append(b);
            }
        }
        return null;
    }
    // end::head-parser[]

    /** Bytes of the head consumed so far, line endings included. */
    public final int consumed() {
        return consumed;
    }

    private T endOfLine() throws HeadParseException {
        int length = lineLength;
        lineLength = 0;
        if (!startLineSeen) {
            if (length == 0 && skipsLeadingEmptyLines()) {
                return null;
            }
            startLine(string(0, length));
            startLineSeen = true;
            return null;
        }
        if (length == 0) {
            return complete(Headers.of(fields));
        }
        if (fields.size() == limits.maxFields()) {
            throw tooManyFields(limits.maxFields());
        }
        fields.add(fieldLine(length));
        return null;
    }

    private HeaderField fieldLine(int length) throws HeadParseException {
        if (line[0] == ' ' || line[0] == '\t') {
            throw malformed("obsolete line folding (a field line starting with whitespace)");
        }
        int colon = -1;
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b == ':') {
                colon = i;
                break;
            }
            if (b == ' ' || b == '\t') {
                throw malformed("whitespace between field name and colon");
            }
            if (!Syntax.isTchar(b)) {
                throw malformed("invalid character 0x%02x in a field name".formatted(b & 0xff));
            }
        }
        if (colon < 0) {
            throw malformed("field line without a colon");
        }
        if (colon == 0) {
            throw malformed("field line with an empty name");
        }
        int start = colon + 1;
        int end = length;
        while (start < end && Syntax.isOws(line[start])) {
            start++;
        }
        while (end > start && Syntax.isOws(line[end - 1])) {
            end--;
        }
        for (int i = start; i < end; i++) {
            if (!Syntax.isFieldValueByte(line[i])) {
                throw malformed("control character 0x%02x in the value of %s"
                        .formatted(line[i] & 0xff, string(0, colon)));
            }
        }
        return new HeaderField(string(0, colon), string(start, end));
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, limits.maxBytes()));
        }
        line[lineLength++] = b;
    }

    private String string(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** RFC 9112 section 2.2 asks servers to ignore empty lines before a request line. */
    abstract boolean skipsLeadingEmptyLines();

    abstract void startLine(String text) throws HeadParseException;

    abstract T complete(Headers headers) throws HeadParseException;

    abstract HeadParseException malformed(String why);

    abstract HeadParseException tooLarge(boolean inFields, int limit);

    abstract HeadParseException tooManyFields(int limit);
}
