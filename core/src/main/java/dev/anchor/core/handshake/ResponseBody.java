package dev.anchor.core.handshake;

import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.ResponseHead;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Where the body of a passed-on (non-101) response ends, per RFC 9112 section 6.3, so the gateway
 * can pass it on unchanged and close when it is complete rather than when the backend gets bored.
 * The bytes are never decoded, only counted.
 */
public abstract sealed class ResponseBody {

    /** How many bytes from {@code src.position()} belong to the body; the buffer is not moved. */
    public abstract int take(ByteBuffer src) throws HeadParseException;

    /** True once the last byte of the body has been taken. */
    public abstract boolean complete();

    /** True if only the backend closing its side marks the end (no length, no chunking). */
    public boolean endsAtClose() {
        return false;
    }

    public static ResponseBody of(ResponseHead head) throws HeadParseException {
        int status = head.status();
        if (status < 200 || status == 204 || status == 304) {
            return new Sized(0);
        }
        List<String> codings = head.headers().tokens("Transfer-Encoding");
        if (!codings.isEmpty() && head.headers().contains("Content-Length")) {
            // RFC 9112 section 6.3: a message that can be framed two ways is a smuggling vector
            throw new HeadParseException(502, "backend sent both Transfer-Encoding and Content-Length");
        }
        if (!codings.isEmpty()) {
            return codings.get(codings.size() - 1).equals("chunked") ? new Chunked() : new UntilClose();
        }
        List<String> lengths = head.headers().all("Content-Length");
        if (lengths.isEmpty()) {
            return new UntilClose();
        }
        String length = lengths.get(0);
        if (lengths.stream().anyMatch(l -> !l.equals(length)) || !length.matches("[0-9]{1,18}")) {
            throw new HeadParseException(502, "backend sent an unusable Content-Length: " + lengths);
        }
        return new Sized(Long.parseLong(length));
    }

    static final class Sized extends ResponseBody {
        private long remaining;

        Sized(long length) {
            this.remaining = length;
        }

        @Override
        public int take(ByteBuffer src) {
            int n = (int) Math.min(remaining, src.remaining());
            remaining -= n;
            return n;
        }

        @Override
        public boolean complete() {
            return remaining == 0;
        }
    }

    static final class UntilClose extends ResponseBody {
        @Override
        public int take(ByteBuffer src) {
            return src.remaining();
        }

        @Override
        public boolean complete() {
            return false;
        }

        @Override
        public boolean endsAtClose() {
            return true;
        }
    }

    /** The chunked framing of RFC 9112 section 7.1, scanned one byte of framing at a time. */
    static final class Chunked extends ResponseBody {
        private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LINE, TRAILER_LF, END_LF, DONE }

        private State state = State.SIZE;
        private long size;
        private int digits;

        @Override
        public int take(ByteBuffer src) throws HeadParseException {
            int i = src.position();
            int limit = src.limit();
            while (i < limit && state != State.DONE) {
                if (state == State.DATA) {
                    int n = (int) Math.min(size, limit - i);
                    i += n;
                    size -= n;
                    if (size == 0) {
                        state = State.DATA_CR;
                    }
                    continue;
                }
                step(src.get(i++));
            }
            return i - src.position();
        }

        private void step(byte b) throws HeadParseException {
            switch (state) {
                case SIZE -> {
                    int digit = Character.digit(b, 16);
                    if (digit >= 0 && digits < 15) {
                        size = size * 16 + digit;
                        digits++;
                    } else if (digits > 0 && (b == ';' || b == ' ' || b == '\t')) {
                        state = State.EXTENSION;
                    } else if (digits > 0 && b == '\r') {
                        state = State.SIZE_LF;
                    } else {
                        throw bad("chunk size");
                    }
                }
                case EXTENSION -> {
                    if (b == '\r') {
                        state = State.SIZE_LF;
                    } else if (b == '\n') {
                        throw bad("chunk extension");
                    }
                }
                case SIZE_LF -> {
                    expect(b, '\n');
                    state = size == 0 ? State.TRAILER : State.DATA;
                    digits = 0;
                }
                case DATA_CR -> {
                    expect(b, '\r');
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    expect(b, '\n');
                    state = State.SIZE;
                }
                case TRAILER -> {
                    if (b == '\n') {
                        throw bad("line ending");
                    }
                    state = b == '\r' ? State.END_LF : State.TRAILER_LINE;
                }
                case TRAILER_LINE -> {
                    if (b == '\r') {
                        state = State.TRAILER_LF;
                    } else if (b == '\n') {
                        throw bad("line ending");
                    }
                }
                case TRAILER_LF -> {
                    expect(b, '\n');
                    state = State.TRAILER;
                }
                case END_LF -> {
                    expect(b, '\n');
                    state = State.DONE;
                }
                case DATA, DONE -> throw new IllegalStateException(state.name());
            }
        }

        private static void expect(byte b, char wanted) throws HeadParseException {
            if (b != wanted) {
                throw bad("line ending");
            }
        }

        private static HeadParseException bad(String what) {
            return new HeadParseException(502, "backend sent a malformed chunked body (" + what + ")");
        }

        @Override
        public boolean complete() {
            return state == State.DONE;
        }
    }
}
