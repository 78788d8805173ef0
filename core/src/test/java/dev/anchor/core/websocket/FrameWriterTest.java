package dev.anchor.core.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameWriterTest {
    @Test
    void aPingTowardTheClientIsUnmasked() {
        ByteBuffer f = FrameWriter.ping("hi".getBytes(StandardCharsets.US_ASCII), false);
        assertThat(Frames.concat(bytes(f))).isEqualTo(Frames.hex("89026869"));
    }

    @Test
    void aPingTowardTheBackendIsMaskedWithAFreshKey() throws FrameException {
        byte[] a = bytes(FrameWriter.ping("nonce".getBytes(StandardCharsets.US_ASCII), true));
        byte[] b = bytes(FrameWriter.ping("nonce".getBytes(StandardCharsets.US_ASCII), true));
        assertThat(a[1] & 0x80).isNotZero();
        assertThat(a).hasSize(2 + 4 + 5);
        assertThat(a).isNotEqualTo(b); // the odds of two equal random keys are 2^-32
        byte[][] seen = new byte[1][];
        FrameScanner s = new FrameScanner(true, (op, payload) -> {
            seen[0] = payload;
            return false;
        });
        new Collected().feed(s, a);
        assertThat(new String(seen[0], StandardCharsets.US_ASCII)).isEqualTo("nonce");
    }

    @Test
    void aCloseCarriesCodeAndReason() {
        assertThat(bytes(FrameWriter.close(1001, "bye", false))).isEqualTo(Frames.hex("880503e9627965"));
    }

    @Test
    void codesThatOnlyDescribeALocalCloseAreNeverWritten() {
        for (int code : new int[] {1005, 1006, 1015, 999, 1004, 1016, 2999, 5000}) {
            assertThatThrownBy(() -> FrameWriter.close(code, "", false)).as("code " + code)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (int code : new int[] {1000, 1001, 1002, 1011, 1014, 3000, 4999}) {
            assertThat(FrameWriter.close(code, "", false).remaining()).as("code " + code).isEqualTo(4);
        }
    }

    @Test
    void aReasonOver123BytesIsRefused() {
        assertThatThrownBy(() -> FrameWriter.close(1000, "x".repeat(124), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameWriter.ping(new byte[126], false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
