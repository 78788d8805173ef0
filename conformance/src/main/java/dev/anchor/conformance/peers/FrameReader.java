package dev.anchor.conformance.peers;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Reads whole frames from a stream, unmasking them; it checks the masking the sender owed. */
public final class FrameReader {
    private final DataInputStream in;

    public FrameReader(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /** The next frame; {@code masked} says whether the sender had to mask it (client frames do). */
    public Frame read(boolean masked) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        boolean isMasked = (b1 & 0x80) != 0;
        if (isMasked != masked) {
            throw new IOException("frame " + (isMasked ? "masked" : "unmasked") + " where the sender must "
                    + (masked ? "" : "not ") + "mask");
        }
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IOException("frame length out of range: " + length);
        }
        byte[] key = new byte[4];
        if (isMasked) {
            in.readFully(key);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if (isMasked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, (b0 >>> 4) & 0x7, b0 & 0xf, payload);
    }

    /** The whole frames at the start of {@code bytes}, and how many bytes of a last, cut frame follow them. */
    public record Prefix(List<Frame> frames, int cut) {
    }

    /**
     * Splits bytes a peer received up to the end of its stream into frames; a stream that ended in
     * the middle of a frame leaves that frame's bytes counted in {@link Prefix#cut()}.
     */
    public static Prefix prefix(byte[] bytes, boolean masked) throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes));
        List<Frame> frames = new ArrayList<>();
        int used = 0;
        while (true) {
            int left = reader.in.available();
            try {
                frames.add(reader.read(masked));
            } catch (EOFException cutShort) {
                return new Prefix(frames, bytes.length - used);
            } catch (IOException garbage) {
                throw new AssertionError("after " + frames.size() + " frames (" + used + " bytes) the stream is not frames: "
                        + garbage.getMessage());
            }
            used += left - reader.in.available();
        }
    }
}
