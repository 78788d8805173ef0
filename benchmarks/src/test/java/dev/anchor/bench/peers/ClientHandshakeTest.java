package dev.anchor.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientHandshakeTest {
    /** The worked example of RFC 6455 section 1.3. */
    @Test
    void acceptIsTheRfcExample() {
        assertThat(ClientHandshake.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
