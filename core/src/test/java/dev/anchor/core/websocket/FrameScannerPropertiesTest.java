package dev.anchor.core.websocket;

import static dev.anchor.core.websocket.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random frame streams (data, fragmented messages, endpoint and gateway control frames between
 * them) chopped into random reads: the scanner passes exactly the stream minus the frames its
 * filter claims, and stands at a boundary exactly where a frame ends.
 */
class FrameScannerPropertiesTest {
    private static final byte[] OURS = "anchor-test-000000000001".getBytes(StandardCharsets.US_ASCII);

    /** One generated frame: its bytes, and whether the filter takes it out. */
    private record Piece(byte[] bytes, boolean removed) {
    }

    @Test
    void anyChoppingPassesExactlyTheUnclaimedFramesInOrder() {
        qt().withExamples(500).withShrinkCycles(50)
                .forAll(lists().of(integers().between(0, 99)).ofSizeBetween(1, 25),
                        lists().of(integers().between(1, 700)).ofSizeBetween(1, 20),
                        integers().between(0, 1))
                .checkAssert((kinds, chops, maskedSender) -> {
                    boolean masked = maskedSender == 1;
                    List<Piece> pieces = stream(kinds, masked, new Random(kinds.hashCode()));
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    ByteArrayOutputStream kept = new ByteArrayOutputStream();
                    for (Piece p : pieces) {
                        all.writeBytes(p.bytes());
                        if (!p.removed()) {
                            kept.writeBytes(p.bytes());
                        }
                    }
                    FrameScanner s = new FrameScanner(masked, (op, payload) -> op == 0xA && Arrays.equals(payload, OURS));
                    Collected out = new Collected();
                    byte[] bytes = all.toByteArray();
                    int at = 0;
                    for (int i = 0; at < bytes.length; i++) {
                        int n = Math.min(chops.get(i % chops.size()), bytes.length - at);
                        try {
                            out.feed(s, Arrays.copyOfRange(bytes, at, at + n));
                        } catch (FrameException e) {
                            throw new AssertionError("refused a valid stream", e);
                        }
                        at += n;
                    }
                    assertThat(out.bytes()).isEqualTo(kept.toByteArray());
                    assertThat(s.atBoundary()).isTrue();
                });
    }

    @Test
    void theBoundaryIsWhereAFrameEndsAndNowhereElse() {
        qt().withExamples(200)
                .forAll(lists().of(integers().between(0, 99)).ofSizeBetween(1, 12))
                .checkAssert(kinds -> {
                    List<Piece> pieces = stream(kinds, false, new Random(kinds.hashCode()));
                    List<Integer> ends = new ArrayList<>();
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    for (Piece p : pieces) {
                        all.writeBytes(p.bytes());
                        ends.add(all.size());
                    }
                    FrameScanner s = new FrameScanner(false, FrameScanner.Filter.NONE);
                    byte[] bytes = all.toByteArray();
                    for (int i = 0; i < bytes.length; i++) {
                        try {
                            new Collected().feed(s, new byte[] {bytes[i]});
                        } catch (FrameException e) {
                            throw new AssertionError(e);
                        }
                        assertThat(s.atBoundary()).as("after byte %d of %d", i + 1, bytes.length)
                                .isEqualTo(ends.contains(i + 1));
                    }
                });
    }

    /** A valid stream: kinds pick whole messages, fragmented messages, and control frames. */
    private static List<Piece> stream(List<Integer> kinds, boolean masked, Random random) {
        List<Piece> pieces = new ArrayList<>();
        for (int kind : kinds) {
            if (kind < 40) {
                pieces.add(new Piece(frame(true, kind % 2 == 0 ? 0x1 : 0x2, payload(random, kind * 37 % 300), key(masked, random)), false));
            } else if (kind < 55) {
                pieces.add(new Piece(frame(true, 0x2, payload(random, 65_536 + kind), key(masked, random)), false));
            } else if (kind < 75) {
                int fragments = 2 + kind % 3;
                for (int f = 0; f < fragments; f++) {
                    pieces.add(new Piece(frame(f == fragments - 1, f == 0 ? 0x2 : 0x0, payload(random, 10 + f * 50), key(masked, random)), false));
                    if (f < fragments - 1 && kind % 2 == 0) {
                        pieces.add(new Piece(frame(true, 0x9, payload(random, 5), key(masked, random)), false));
                    }
                }
            } else if (kind < 85) {
                pieces.add(new Piece(frame(true, 0xA, OURS, key(masked, random)), true));
            } else {
                pieces.add(new Piece(frame(true, kind % 2 == 0 ? 0x9 : 0xA, payload(random, kind % 126), key(masked, random)), false));
            }
        }
        return pieces;
    }

    private static byte[] payload(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] key(boolean masked, Random random) {
        if (!masked) {
            return null;
        }
        byte[] k = new byte[4];
        random.nextBytes(k);
        return k;
    }
}
