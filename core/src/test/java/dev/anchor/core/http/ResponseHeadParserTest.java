package dev.anchor.core.http;

import static dev.anchor.core.Heads.buffer;
import static dev.anchor.core.Heads.head;
import static dev.anchor.core.Heads.response;
import static dev.anchor.core.Heads.responseError;
import static dev.anchor.core.Heads.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A backend's head: the same line rules as a request, and every refusal is a 502 for the client. */
class ResponseHeadParserTest {

    @Test
    void statusLineAndFieldsAreRead() {
        ResponseHead h = response(head("HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"));

        assertThat(h.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(h.status()).isEqualTo(101);
        assertThat(h.reason()).isEqualTo("Switching Protocols");
        assertThat(h.informational()).isTrue();
        assertThat(h.headers().first("upgrade")).contains("websocket");
    }

    @Test
    void emptyReasonPhraseIsAllowed() {
        assertThat(response(head("HTTP/1.1 204 ")).reason()).isEmpty();
    }

    @Test
    void reasonPhraseIsKeptVerbatim() {
        assertThat(response(head("HTTP/1.0 401 Who  are\tyou? ")).reason()).isEqualTo("Who  are\tyou? ");
    }

    @Test
    void missingSpaceAfterStatusCodeIs502() {
        assertThat(responseError(head("HTTP/1.1 200")).status()).isEqualTo(502);
    }

    @Test
    void statusCodeOutside100To599Is502() {
        assertThat(responseError(head("HTTP/1.1 600 Nope")).status()).isEqualTo(502);
        assertThat(responseError(head("HTTP/1.1 099 Nope")).status()).isEqualTo(502);
        assertThat(responseError(head("HTTP/1.1 2x0 Nope")).status()).isEqualTo(502);
    }

    @Test
    void http2StatusLineIs502Not505() {
        assertThat(responseError(head("HTTP/2.0 200 OK")).status()).isEqualTo(502);
    }

    @Test
    void controlCharacterInReasonIs502() {
        assertThat(responseError(head("HTTP/1.1 200 O\u0000K")).status()).isEqualTo(502);
    }

    @Test
    void leadingEmptyLineIsNotSkipped() {
        assertThat(responseError("\r\n" + head("HTTP/1.1 200 OK")).status()).isEqualTo(502);
    }

    @Test
    void lineRuleViolationsAre502() {
        assertThat(responseError("HTTP/1.1 200 OK\nX: y\r\n\r\n").status()).isEqualTo(502);
        assertThat(responseError(head("HTTP/1.1 200 OK", "X : y")).status()).isEqualTo(502);
        assertThat(responseError(head("HTTP/1.1 200 OK", "X: y", "\tz")).status()).isEqualTo(502);
    }

    @Test
    void tooLargeAndTooManyFieldsAre502() throws HeadParseException {
        HeadLimits small = new HeadLimits(64, 1);

        assertThat(refusal(small, head("HTTP/1.1 200 OK", "X: " + "y".repeat(60))).status()).isEqualTo(502);
        assertThat(refusal(small, head("HTTP/1.1 200 OK", "X: 1", "Y: 2")).status()).isEqualTo(502);
    }

    @Test
    void hostIsNotRequiredInAResponse() {
        assertThat(response(head("HTTP/1.1 200 OK")).headers().size()).isZero();
    }

    @Test
    void bytesAfterHeadAreLeftInBuffer() throws HeadParseException {
        ByteBuffer wire = buffer(head("HTTP/1.1 101 Switching Protocols", "Upgrade: websocket") + "\u0081\u0002hi");

        assertThat(new ResponseHeadParser(HeadLimits.DEFAULT).parse(wire)).isNotNull();
        assertThat(text(wire)).isEqualTo("\u0081\u0002hi");
    }

    private static HeadParseException refusal(HeadLimits limits, String wire) {
        try {
            new ResponseHeadParser(limits).parse(buffer(wire));
        } catch (HeadParseException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }
}
