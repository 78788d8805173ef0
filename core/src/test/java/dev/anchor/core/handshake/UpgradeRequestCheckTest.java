package dev.anchor.core.handshake;

import static dev.anchor.core.Heads.SAMPLE_KEY;
import static dev.anchor.core.Heads.head;
import static dev.anchor.core.Heads.request;
import static dev.anchor.core.Heads.upgrade;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.http.HeaderField;
import dev.anchor.core.http.RequestHead;
import org.junit.jupiter.api.Test;

/** RFC 6455 section 4.2.1: what an opening handshake must hold, and the refusal for each lack. */
class UpgradeRequestCheckTest {

    @Test
    void validHandshakeIsAccepted() {
        assertThat(UpgradeRequestCheck.check(upgrade())).isEmpty();
    }

    @Test
    void nonGetIs405WithAllowGet() {
        Rejection r = rejection(request(head(
                "POST /chat HTTP/1.1", "Host: a", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: " + SAMPLE_KEY, "Sec-WebSocket-Version: 13")));

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.extraFields()).contains(new HeaderField("Allow", "GET"));
    }

    @Test
    void missingUpgradeIs426WithUpgradeHeader() {
        Rejection r = rejection(upgrade("-Upgrade"));

        assertThat(r.status()).isEqualTo(426);
        assertThat(r.extraFields()).contains(new HeaderField("Upgrade", "websocket"));
    }

    @Test
    void missingConnectionUpgradeIs426() {
        assertThat(rejection(upgrade("-Connection")).status()).isEqualTo(426);
        assertThat(rejection(upgrade("-Connection", "Connection: keep-alive")).status()).isEqualTo(426);
    }

    @Test
    void upgradeToAnotherProtocolIs426() {
        assertThat(rejection(upgrade("-Upgrade", "Upgrade: h2c")).status()).isEqualTo(426);
    }

    @Test
    void http10Is426WithUpgradeHeader() {
        Rejection r = rejection(request(head(
                "GET /chat HTTP/1.0", "Host: a", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: " + SAMPLE_KEY, "Sec-WebSocket-Version: 13")));

        assertThat(r.status()).isEqualTo(426);
        assertThat(r.extraFields()).contains(new HeaderField("Upgrade", "websocket"));
    }

    @Test
    void connectionKeepAliveUpgradeIsAccepted() {
        assertThat(UpgradeRequestCheck.check(upgrade("-Connection", "Connection: keep-alive, Upgrade"))).isEmpty();
    }

    @Test
    void connectionUpgradeOnItsOwnFieldLineIsAccepted() {
        assertThat(UpgradeRequestCheck.check(upgrade("-Connection", "Connection: keep-alive", "Connection: upgrade")))
                .isEmpty();
    }

    @Test
    void websocketAmongSeveralUpgradeProtocolsIsAccepted() {
        assertThat(UpgradeRequestCheck.check(upgrade("-Upgrade", "Upgrade: h2c, WebSocket"))).isEmpty();
    }

    @Test
    void wrongVersionIs426WithVersion13() {
        Rejection r = rejection(upgrade("-Sec-WebSocket-Version", "Sec-WebSocket-Version: 8"));

        assertThat(r.status()).isEqualTo(426);
        assertThat(r.extraFields()).contains(new HeaderField("Sec-WebSocket-Version", "13"));
    }

    @Test
    void missingOrSeveralVersionsAre426() {
        assertThat(rejection(upgrade("-Sec-WebSocket-Version")).status()).isEqualTo(426);
        assertThat(rejection(upgrade("Sec-WebSocket-Version: 8")).status()).isEqualTo(426);
    }

    @Test
    void badKeyIs400() {
        assertThat(rejection(upgrade("-Sec-WebSocket-Key", "Sec-WebSocket-Key: not-a-nonce")).status()).isEqualTo(400);
    }

    @Test
    void missingKeyIs400() {
        assertThat(rejection(upgrade("-Sec-WebSocket-Key")).status()).isEqualTo(400);
    }

    @Test
    void duplicateKeyIs400() {
        assertThat(rejection(upgrade("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==")).status()).isEqualTo(400);
    }

    @Test
    void bodyIs400() {
        assertThat(rejection(upgrade("Content-Length: 3")).status()).isEqualTo(400);
        assertThat(rejection(upgrade("Transfer-Encoding: chunked")).status()).isEqualTo(400);
    }

    @Test
    void zeroContentLengthIsAccepted() {
        assertThat(UpgradeRequestCheck.check(upgrade("Content-Length: 0"))).isEmpty();
    }

    private static Rejection rejection(RequestHead head) {
        return UpgradeRequestCheck.check(head).orElseThrow(() -> new AssertionError("accepted: " + head));
    }
}
