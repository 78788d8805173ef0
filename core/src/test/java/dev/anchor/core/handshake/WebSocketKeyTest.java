package dev.anchor.core.handshake;

import static dev.anchor.core.Heads.SAMPLE_ACCEPT;
import static dev.anchor.core.Heads.SAMPLE_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.anchor.core.Gens;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

class WebSocketKeyTest {

    @Test
    void rfc6455Section1_3SampleKeyYieldsTheSampleAccept() {
        assertThat(WebSocketKey.accept(SAMPLE_KEY)).isEqualTo(SAMPLE_ACCEPT);
    }

    @Test
    void rfc6455SampleKeyIsValid() {
        assertThat(WebSocketKey.isValid(SAMPLE_KEY)).isTrue();
    }

    @Test
    void keyOfAnythingButSixteenBytesIsInvalid() {
        assertThat(WebSocketKey.isValid(Base64.getEncoder().encodeToString(new byte[15]))).isFalse();
        assertThat(WebSocketKey.isValid(Base64.getEncoder().encodeToString(new byte[17]))).isFalse();
        assertThat(WebSocketKey.isValid("")).isFalse();
    }

    @Test
    void keyWithCharactersOutsideBase64IsInvalid() {
        assertThat(WebSocketKey.isValid("dGhlIHNhbXBsZSBub25jZQ!=")).isFalse();
        assertThat(WebSocketKey.isValid("dGhlIHNhbXBsZSBub25jZQ-_")).isFalse();
        assertThat(WebSocketKey.isValid("dGhlIHNhbXBsZSBub25jZ Q=")).isFalse();
    }

    @Test
    void keyWithoutPaddingIsInvalid() {
        assertThat(WebSocketKey.isValid("dGhlIHNhbXBsZSBub25jZQ")).isFalse();
        assertThat(WebSocketKey.isValid("dGhlIHNhbXBsZSBub25jZQAA")).isFalse();
    }

    @Test
    void keyWithNonZeroPaddingBitsIsInvalid() {
        // 'R' decodes to the same 16 bytes as 'Q' but sets bits the encoding must leave zero
        assertThat(WebSocketKey.isValid("dGhlIHNhbXBsZSBub25jZR==")).isFalse();
    }

    @Test
    void theBase64OfAnySixteenBytesIsAValidKey() {
        qt().withExamples(200)
                .forAll(Gens.bytes(16, 16, Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)))
                .checkAssert(nonce -> {
                    String key = Base64.getEncoder().encodeToString(nonce);
                    assertThat(WebSocketKey.isValid(key)).as(key).isTrue();
                    assertThat(Base64.getDecoder().decode(WebSocketKey.accept(key))).hasSize(20);
                });
    }
}
