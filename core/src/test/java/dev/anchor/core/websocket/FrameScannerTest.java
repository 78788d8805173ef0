package dev.anchor.core.websocket;

import static dev.anchor.core.websocket.Frames.concat;
import static dev.anchor.core.websocket.Frames.frame;
import static dev.anchor.core.websocket.Frames.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The frame scanner against the examples of RFC 6455 section 5.7 and its rules, one per test. */
class FrameScannerTest {
    private static final byte[] KEY = hex("37fa213d");

    private static FrameScanner fromServer() {
        return new FrameScanner(false, FrameScanner.Filter.NONE);
    }

    private static FrameScanner fromClient() {
        return new FrameScanner(true, FrameScanner.Filter.NONE);
    }

    @Test
    void rfcExamplesPassUnchangedAndEndAtABoundary() throws FrameException {
        byte[][] fromServer = {
                hex("810548656c6c6f"),                 // a single-frame unmasked text message
                concat(hex("010348656c"), hex("80026c6f")), // a fragmented unmasked text message
                hex("890548656c6c6f"),                 // an unmasked Ping
                concat(hex("827e0100"), new byte[256]), // 256 bytes in one unmasked frame
                concat(hex("827f0000000000010000"), new byte[65536])};
        for (byte[] frame : fromServer) {
            FrameScanner s = fromServer();
            assertThat(new Collected().feed(s, frame).bytes()).isEqualTo(frame);
            assertThat(s.atBoundary()).isTrue();
        }
        FrameScanner client = fromClient();
        byte[] maskedHello = hex("818537fa213d7f9f4d5158");
        byte[] maskedPong = hex("8a8537fa213d7f9f4d5158");
        assertThat(new Collected().feed(client, concat(maskedHello, maskedPong)).bytes())
                .isEqualTo(concat(maskedHello, maskedPong));
    }

    @Test
    void boundaryIsKnownAfterEveryByte() throws FrameException {
        byte[] stream = concat(hex("010348656c"), hex("890548656c6c6f"), hex("80026c6f"));
        int[] ends = {5, 12, 16};
        FrameScanner s = fromServer();
        Collected out = new Collected();
        for (int i = 0; i < stream.length; i++) {
            out.feed(s, new byte[] {stream[i]});
            boolean frameEnd = contains(ends, i + 1);
            assertThat(s.atBoundary()).as("after byte %d", i + 1).isEqualTo(frameEnd);
        }
        assertThat(out.bytes()).isEqualTo(stream);
    }

    @Test
    void aControlFrameBetweenFragmentsIsABoundaryButTheMessageStaysOpen() throws FrameException {
        FrameScanner s = fromServer();
        new Collected().feed(s, hex("010348656c"));
        assertThat(s.atBoundary()).isTrue();
        assertThat(s.inMessage()).isTrue();
        new Collected().feed(s, hex("8900"));
        assertThat(s.inMessage()).isTrue();
        new Collected().feed(s, hex("80026c6f"));
        assertThat(s.inMessage()).isFalse();
    }

    @Test
    void aClaimedControlFrameIsTakenOutWhole() throws FrameException {
        byte[] ours = "anchor-nonce".getBytes(StandardCharsets.US_ASCII);
        FrameScanner s = new FrameScanner(true, (op, payload) -> op == 0xA && Arrays.equals(payload, ours));
        byte[] before = frame(true, 0x1, "a".getBytes(StandardCharsets.US_ASCII), KEY);
        byte[] pong = frame(true, 0xA, ours, KEY);
        byte[] theirs = frame(true, 0xA, "theirs".getBytes(StandardCharsets.US_ASCII), KEY);
        byte[] after = frame(true, 0x2, new byte[300], KEY);

        assertThat(new Collected().feed(s, concat(before, pong, theirs, after)).bytes())
                .isEqualTo(concat(before, theirs, after));
    }

    @Test
    void aClaimedControlFrameSplitAcrossReadsIsTakenOutToo() throws FrameException {
        byte[] ours = "anchor-nonce".getBytes(StandardCharsets.US_ASCII);
        FrameScanner s = new FrameScanner(true, (op, payload) -> op == 0xA && Arrays.equals(payload, ours));
        byte[] stream = concat(frame(true, 0x1, "x".getBytes(StandardCharsets.US_ASCII), KEY),
                frame(true, 0xA, ours, KEY), frame(true, 0xA, "kept".getBytes(StandardCharsets.US_ASCII), KEY));
        Collected out = new Collected();
        for (byte b : stream) {
            out.feed(s, new byte[] {b});
        }
        assertThat(out.bytes()).isEqualTo(concat(frame(true, 0x1, "x".getBytes(StandardCharsets.US_ASCII), KEY),
                frame(true, 0xA, "kept".getBytes(StandardCharsets.US_ASCII), KEY)));
    }

    @Test
    void aHeldControlFrameIsNotABoundaryUntilItEnds() throws FrameException {
        FrameScanner s = fromServer();
        new Collected().feed(s, hex("8905486c"));
        assertThat(s.atBoundary()).isFalse();
        new Collected().feed(s, hex("6c6c6f"));
        assertThat(s.atBoundary()).isTrue();
    }

    @Test
    void closeIsNoticed() throws FrameException {
        FrameScanner s = fromServer();
        new Collected().feed(s, hex("880203e8"));
        assertThat(s.closeSeen()).isTrue();
    }

    @Test
    void anUnmaskedFrameFromAClientIsRefused() {
        assertRefused(fromClient(), hex("810548656c6c6f"), "must be masked");
    }

    @Test
    void aMaskedFrameFromAServerIsRefused() {
        assertRefused(fromServer(), hex("818537fa213d7f9f4d5158"), "must not be masked");
    }

    @Test
    void aControlFrameOver125BytesIsRefused() {
        assertRefused(fromServer(), concat(hex("897e007e"), new byte[126]), "at most 125");
    }

    @Test
    void aFragmentedControlFrameIsRefused() {
        assertRefused(fromServer(), hex("0900"), "must not be fragmented");
    }

    @Test
    void aContinuationOutsideAMessageIsRefused() {
        assertRefused(fromServer(), hex("80026c6f"), "continuation");
    }

    @Test
    void aNewMessageInsideAFragmentedOneIsRefused() {
        assertRefused(fromServer(), concat(hex("010348656c"), hex("810548656c6c6f")), "inside a fragmented");
    }

    @Test
    void reservedOpcodesAreRefused() {
        for (String first : new String[] {"83", "87", "8b", "8f"}) {
            assertRefused(fromServer(), hex(first + "00"), "reserved opcode");
        }
    }

    @Test
    void aLengthNotInItsShortestFormIsRefused() {
        assertRefused(fromServer(), concat(hex("827e0064"), new byte[100]), "shortest form");
        assertRefused(fromServer(), hex("827f00000000000003e8"), "shortest form");
    }

    @Test
    void aLengthWithItsTopBitSetIsRefused() {
        assertRefused(fromServer(), hex("827f8000000000000000"), "most significant bit");
    }

    @Test
    void refusalsCarryCloseCode1002() {
        assertThatThrownBy(() -> new Collected().feed(fromClient(), hex("810548656c6c6f")))
                .isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.closeCode()).isEqualTo(1002));
    }

    private static void assertRefused(FrameScanner s, byte[] bytes, String why) {
        assertThatThrownBy(() -> new Collected().feed(s, bytes))
                .isInstanceOf(FrameException.class)
                .hasMessageContaining(why);
    }

    private static boolean contains(int[] values, int v) {
        return Arrays.stream(values).anyMatch(x -> x == v);
    }

    @Test
    void aRefusedFrameLeavesTheStreamWhereItBeganWithEverythingBeforeItPassed() {
        FrameScanner s = fromClient();
        byte[] good = frame(true, 0x1, "fine".getBytes(StandardCharsets.US_ASCII), KEY);
        byte[] bad = hex("810548656c6c6f"); // unmasked, from a client
        Collected out = new Collected();

        assertThatThrownBy(() -> out.feed(s, concat(good, bad))).isInstanceOf(FrameException.class);
        assertThat(out.bytes()).isEqualTo(good);
        assertThat(s.atBoundary()).isTrue();
    }
}
