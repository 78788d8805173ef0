package dev.anchor.core.websocket;

import java.nio.ByteBuffer;

/**
 * Follows the WebSocket frames of one direction of a tunnel, as the bytes go by, without copying a
 * payload out. It knows at every moment whether the stream stands between two frames (where the
 * gateway may insert a frame of its own), and it can take out whole control frames that a
 * {@link Filter} claims, such as the Pong that answers the gateway's own Ping. Everything else
 * passes exactly as it came.
 *
 * <p>Resumable over buffers of any size: a header split across reads is completed by the next. A
 * control frame (at most 125 bytes of payload) that straddles two reads is held back whole until
 * it is complete, because whether it passes is only known at its end; data frames pass at once,
 * however large.
 *
 * <p>It refuses what RFC 6455 forbids on the wire: a frame masked the wrong way for its sender
 * (section 5.1), a control frame that is fragmented or longer than 125 bytes (section 5.5), a
 * length not in its shortest form (section 5.2), a continuation outside a fragmented message, a new
 * message inside one, and a reserved opcode. Reserved bits are left alone: extensions use them.
 *
 * <p>Not thread-safe: one scanner follows one direction.
 */
// tag::frame-scanner[]
// tag::scanner-api[]
public final class FrameScanner {

    /** Where the scanned bytes go: ranges of the scanned buffer, and held bytes from earlier reads. */
    public interface Output {
        /** Pass bytes {@code from} (inclusive) to {@code to} (exclusive) of the scanned buffer on. */
        void pass(int from, int to);

        /** Pass bytes the scanner held back from earlier reads on, before anything after them. */
        void passHeld(byte[] bytes, int length);
    }

    /** Decides whether a complete control frame is taken out of the stream. */
    public interface Filter {
        Filter NONE = (opcode, payload) -> false;

        /** {@code payload} is unmasked; true removes the whole frame. */
        boolean remove(int opcode, byte[] payload);
    }
    // end::scanner-api[]

    private enum State { FIRST, SECOND, LENGTH, MASK, PAYLOAD }

    private final boolean masked;
    private final Filter filter;
    private State state = State.FIRST;
    private int opcode;
    private boolean fin;
    private int lengthBytes;
    /** The 7-bit length of the second header byte: the length, or 126/127 for the extended forms. */
    private int lengthField;
    private long length;
    private long payloadLeft;
    private int maskFill;
    private final byte[] mask = new byte[4];
    /** A control frame being gathered: header and payload, at most 2 + 4 + 125 bytes. */
    private final byte[] control = new byte[2 + 4 + 125];
    private int controlFill;
    private boolean controlHeld;
    private boolean inMessage;
    private boolean closeSeen;

    /**
     * @param masked whether the sender must mask its frames: true for what a client sends,
     *               false for what a server sends (RFC 6455 section 5.1)
     */
    public FrameScanner(boolean masked, Filter filter) {
        this.masked = masked;
        this.filter = filter;
    }

    // tag::refusal[]
    /**
     * Scans the bytes between {@code in}'s position and limit (the buffer is not moved) and tells
     * {@code out}, in stream order, which of them go on.
     */
    public void scan(ByteBuffer in, Output out) throws FrameException {
        int i = in.position();
        int limit = in.limit();
        int passFrom = i;
        int frameBegan = state == State.FIRST ? i : -1;
        try {
            scan(in, out, i, limit, passFrom, frameBegan);
        } catch (Refused r) {
            if (r.frameBegan >= 0) {
                // nothing of the refused frame has passed: pass what came before it, and stand
                // where it began, a boundary where the gateway's Close can still go
                if (r.frameBegan > r.passFrom) {
                    out.pass(r.passFrom, r.frameBegan);
                }
                state = State.FIRST;
                controlHeld = false;
                opcode = 0;
            }
            throw r.cause;
        }
    }
    // end::refusal[]

    /** A refusal, with where the stream stood when it came. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient FrameException cause;
        final int passFrom;
        final int frameBegan;

        Refused(FrameException cause, int passFrom, int frameBegan) {
            super(null, null, false, false);
            this.cause = cause;
            this.passFrom = passFrom;
            this.frameBegan = frameBegan;
        }
    }

    // tag::scan-loop[]
    private void scan(ByteBuffer in, Output out, int i, int limit, int passFrom, int frameBegan) throws Refused {
        while (i < limit) {
            if (state == State.PAYLOAD && !isControl()) {
                int n = (int) Math.min(payloadLeft, limit - i);
                i += n;
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    frameDone();
                }
                continue;
            }
            if (state == State.FIRST) {
                frameBegan = i;
                int b0 = in.get(i) & 0xff;
                opcode = b0 & 0x0f;
                fin = (b0 & 0x80) != 0;
                if (isControl()) {
                    if (i > passFrom) {
                        out.pass(passFrom, i);
                    }
                    passFrom = i;
                    controlFill = 0;
                    controlHeld = false;
                }
            }
            byte b = in.get(i++);
            if (isControl()) {
                control[controlFill++] = b;
            }
            try {
                step(b);
            } catch (FrameException e) {
                throw new Refused(e, passFrom, frameBegan);
            }
            if (state == State.FIRST && isControl()) {
                // a whole control frame has just been read: it goes on, or it is taken out
                if (filter.remove(opcode, unmaskedControlPayload())) {
                    passFrom = i;
                } else if (controlHeld) {
                    out.passHeld(control.clone(), controlFill);
                    passFrom = i;
                }
                controlHeld = false;
                opcode = 0;
            }
        }
        if (isControl() && state != State.FIRST) {
            // a control frame continues in the next read: hold what we have of it
            controlHeld = true;
            passFrom = limit;
        }
        if (passFrom < limit) {
            out.pass(passFrom, limit);
        }
    }
    // end::scan-loop[]
    // end::frame-scanner[]

    // tag::header[]
    private void step(byte b) throws FrameException {
        int v = b & 0xff;
        switch (state) {
            case FIRST -> first();
            case SECOND -> {
                boolean isMasked = (v & 0x80) != 0;
                if (isMasked != masked) {
                    throw new FrameException(masked ? "a client frame must be masked" : "a server frame must not be masked");
                }
                length = v & 0x7f;
                lengthField = (int) length;
                if (isControl() && length > 125) {
                    throw new FrameException("a control frame's payload is at most 125 bytes, not " + length);
                }
                if (length == 126) {
                    lengthBytes = 2;
                    length = 0;
                    state = State.LENGTH;
                } else if (length == 127) {
                    lengthBytes = 8;
                    length = 0;
                    state = State.LENGTH;
                } else {
                    afterLength();
                }
            }
            case LENGTH -> {
                length = length << 8 | v;
                if (--lengthBytes == 0) {
                    if (length < 0) {
                        throw new FrameException("frame length has its most significant bit set");
                    }
                    if (lengthField == 126 ? length < 126 : length < 65536) {
                        throw new FrameException("frame length " + length + " is not in its shortest form");
                    }
                    afterLength();
                }
            }
            case MASK -> {
                mask[maskFill++] = b;
                if (maskFill == 4) {
                    afterMask();
                }
            }
            case PAYLOAD -> {
                if (--payloadLeft == 0) {
                    frameDone();
                }
            }
        }
    }

    private void first() throws FrameException {
        switch (opcode) {
            case 0x0 -> {
                if (!inMessage) {
                    throw new FrameException("a continuation frame outside a fragmented message");
                }
            }
            case 0x1, 0x2 -> {
                if (inMessage) {
                    throw new FrameException("a new message inside a fragmented one");
                }
            }
            case 0x8, 0x9, 0xA -> {
                if (!fin) {
                    throw new FrameException("a control frame must not be fragmented");
                }
            }
            default -> throw new FrameException("reserved opcode 0x" + Integer.toHexString(opcode));
        }
        state = State.SECOND;
    }
    // end::header[]

    private void afterLength() {
        if (masked) {
            maskFill = 0;
            state = State.MASK;
        } else {
            afterMask();
        }
    }

    private void afterMask() {
        payloadLeft = length;
        if (payloadLeft == 0) {
            frameDone();
        } else {
            state = State.PAYLOAD;
        }
    }

    private void frameDone() {
        if (opcode == 0x1 || opcode == 0x2) {
            inMessage = !fin;
        } else if (opcode == 0x0 && fin) {
            inMessage = false;
        } else if (opcode == 0x8) {
            closeSeen = true;
        }
        state = State.FIRST;
    }

    private boolean isControl() {
        return (opcode & 0x8) != 0;
    }

    private byte[] unmaskedControlPayload() {
        int headerBytes = 2 + (masked ? 4 : 0);
        byte[] payload = new byte[controlFill - headerBytes];
        System.arraycopy(control, headerBytes, payload, 0, payload.length);
        if (masked) {
            for (int k = 0; k < payload.length; k++) {
                payload[k] ^= mask[k & 3];
            }
        }
        return payload;
    }

    /** True between two frames: where a frame of the gateway's own may go into this stream. */
    public boolean atBoundary() {
        return state == State.FIRST && !controlHeld;
    }

    /** True while a fragmented message is open (control frames may still go in between). */
    public boolean inMessage() {
        return inMessage;
    }

    /** True once a Close frame has passed in this direction. */
    public boolean closeSeen() {
        return closeSeen;
    }
}
