package dev.anchor.core.http;

import static dev.anchor.core.Heads.buffer;
import static dev.anchor.core.Heads.head;
import static dev.anchor.core.Heads.request;
import static dev.anchor.core.Heads.requestError;
import static dev.anchor.core.Heads.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One rule of RFC 9112 (or of the gateway's stricter reading of it) per test. */
class RequestHeadParserTest {
    private static final HeadLimits SMALL = new HeadLimits(64, 3);

    @Test
    void requestLineAndFieldsAreRead() {
        RequestHead h = request(head("GET /chat?room=1 HTTP/1.1", "Host: gw.example", "Origin: http://a.example"));

        assertThat(h.method()).isEqualTo("GET");
        assertThat(h.target().raw()).isEqualTo("/chat?room=1");
        assertThat(h.path()).isEqualTo("/chat");
        assertThat(h.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(h.headers().fields()).containsExactly(
                new HeaderField("Host", "gw.example"), new HeaderField("Origin", "http://a.example"));
    }

    @Test
    void whitespaceAroundAFieldValueIsNotPartOfIt() {
        RequestHead h = request(head("GET / HTTP/1.1", "Host:gw.example", "X-A: \t one two \t "));

        assertThat(h.headers().first("Host")).contains("gw.example");
        assertThat(h.headers().first("X-A")).contains("one two");
    }

    @Test
    void fieldNameIsKeptAsSpelled() {
        RequestHead h = request(head("GET / HTTP/1.1", "hOsT: a", "sec-websocket-KEY: k"));

        assertThat(h.headers().fields()).extracting(HeaderField::name).containsExactly("hOsT", "sec-websocket-KEY");
    }

    @Test
    void emptyFieldValueIsAllowed() {
        assertThat(request(head("GET / HTTP/1.1", "Host: a", "X-Empty:")).headers().first("X-Empty")).contains("");
    }

    @Test
    void obsTextInAFieldValueIsPassedOnAsIs() {
        assertThat(request(head("GET / HTTP/1.1", "Host: a", "X-Name: Zo\u00eb\u00ff")).headers().first("X-Name"))
                .contains("Zo\u00eb\u00ff");
    }

    @Test
    void bareLfIsRejectedWith400() {
        assertThat(requestError("GET / HTTP/1.1\nHost: a\r\n\r\n").status()).isEqualTo(400);
        assertThat(requestError("GET / HTTP/1.1\r\nHost: a\n\r\n").status()).isEqualTo(400);
    }

    @Test
    void bareCrIsRejectedWith400() {
        assertThat(requestError("GET / HTTP/1.1\r\nHost: a\rX-B: c\r\n\r\n").status()).isEqualTo(400);
    }

    @Test
    void whitespaceBeforeColonIsRejected() {
        assertThat(requestError(head("GET / HTTP/1.1", "Host : a")).status()).isEqualTo(400);
        assertThat(requestError(head("GET / HTTP/1.1", "Host: a", "X-B\t: c")).status()).isEqualTo(400);
    }

    @Test
    void obsFoldIsRejected() {
        HeadParseException e = requestError(head("GET / HTTP/1.1", "Host: a", "X-Long: one", " two"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("folding");
    }

    @Test
    void fieldLineWithoutColonIsRejected() {
        assertThat(requestError(head("GET / HTTP/1.1", "Host: a", "X-NoColon")).status()).isEqualTo(400);
    }

    @Test
    void emptyFieldNameIsRejected() {
        assertThat(requestError(head("GET / HTTP/1.1", "Host: a", ": value")).status()).isEqualTo(400);
    }

    @Test
    void fieldNameMustBeAToken() {
        assertThat(requestError(head("GET / HTTP/1.1", "Host: a", "X(B): c")).status()).isEqualTo(400);
        assertThat(requestError(head("GET / HTTP/1.1", "Host: a", "X\u00e9: c")).status()).isEqualTo(400);
    }

    @Test
    void controlCharacterInFieldValueIsRejected() {
        assertThat(requestError(head("GET / HTTP/1.1", "Host: a", "X-B: c\u0000d")).status()).isEqualTo(400);
        assertThat(requestError(head("GET / HTTP/1.1", "Host: a", "X-B: c\u007fd")).status()).isEqualTo(400);
    }

    @Test
    void requestLineTooLongIs414() {
        HeadParseException e = requestError(SMALL, head("GET /" + "a".repeat(80) + " HTTP/1.1", "Host: a"));

        assertThat(e.status()).isEqualTo(414);
    }

    @Test
    void headTooLargeIs431() {
        HeadParseException e = requestError(SMALL, head("GET / HTTP/1.1", "Host: a", "X-Big: " + "b".repeat(60)));

        assertThat(e.status()).isEqualTo(431);
    }

    @Test
    void headOfExactlyTheByteLimitIsAccepted() {
        String exact = head("GET / HTTP/1.1", "Host: a", "X: " + "p".repeat(64 - 32));
        assertThat(exact).hasSize(64);

        assertThat(parse(SMALL, exact)).isNotNull();
        assertThat(requestError(SMALL, exact.replace("X: ", "X: p")).status()).isEqualTo(431);
    }

    @Test
    void tooManyFieldsIs431() {
        HeadParseException e = requestError(SMALL, head("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2", "C: 3"));

        assertThat(e.status()).isEqualTo(431);
    }

    @Test
    void exactlyTheFieldLimitIsAccepted() {
        assertThat(parse(SMALL, head("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2"))).isNotNull();
    }

    @Test
    void http2VersionIs505() {
        HeadParseException e = requestError(head("GET / HTTP/2.0", "Host: a"));

        assertThat(e.status()).isEqualTo(505);
    }

    @Test
    void malformedVersionIs400() {
        assertThat(requestError(head("GET / HTTP/1.1x", "Host: a")).status()).isEqualTo(400);
        assertThat(requestError(head("GET / http/1.1", "Host: a")).status()).isEqualTo(400);
        assertThat(requestError(head("GET / HTTP/11", "Host: a")).status()).isEqualTo(400);
    }

    @Test
    void http10RequestWithoutHostIsAccepted() {
        assertThat(request(head("GET / HTTP/1.0")).version()).isEqualTo(HttpVersion.HTTP_1_0);
    }

    @Test
    void missingHostIs400() {
        assertThat(requestError(head("GET / HTTP/1.1", "Origin: x")).status()).isEqualTo(400);
    }

    @Test
    void duplicateHostIs400() {
        assertThat(requestError(head("GET / HTTP/1.1", "Host: a", "host: b")).status()).isEqualTo(400);
        assertThat(requestError(head("GET / HTTP/1.0", "Host: a", "Host: a")).status()).isEqualTo(400);
    }

    @Test
    void contentLengthAndTransferEncodingIs400() {
        HeadParseException e = requestError(
                head("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Transfer-Encoding: chunked"));

        assertThat(e.status()).isEqualTo(400);
    }

    @Test
    void twoContentLengthsAre400() {
        assertThat(requestError(head("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Content-Length: 5")).status())
                .isEqualTo(400);
    }

    @Test
    void contentLengthMustBeDecimalDigits() {
        assertThat(requestError(head("POST / HTTP/1.1", "Host: a", "Content-Length: +5")).status()).isEqualTo(400);
        assertThat(requestError(head("POST / HTTP/1.1", "Host: a", "Content-Length: 0x10")).status()).isEqualTo(400);
        assertThat(requestError(head("POST / HTTP/1.1", "Host: a", "Content-Length: 5, 5")).status()).isEqualTo(400);
        assertThat(request(head("POST / HTTP/1.1", "Host: a", "Content-Length: 0")).headers().first("Content-Length"))
                .contains("0");
    }

    @Test
    void methodMustBeAToken() {
        assertThat(requestError(head("G(T / HTTP/1.1", "Host: a")).status()).isEqualTo(400);
    }

    @Test
    void requestLineNeedsExactlyTwoSingleSpaces() {
        assertThat(requestError(head("GET  / HTTP/1.1", "Host: a")).status()).isEqualTo(400);
        assertThat(requestError(head("GET / x HTTP/1.1", "Host: a")).status()).isEqualTo(400);
        assertThat(requestError(head("GET /", "Host: a")).status()).isEqualTo(400);
        assertThat(requestError(head(" GET / HTTP/1.1", "Host: a")).status()).isEqualTo(400);
    }

    @Test
    void invalidTargetIs400() {
        assertThat(requestError(head("GET /a#b HTTP/1.1", "Host: a")).status()).isEqualTo(400);
        assertThat(requestError(head("OPTIONS * HTTP/1.1", "Host: a")).status()).isEqualTo(400);
    }

    @Test
    void leadingEmptyLinesAreSkipped() {
        RequestHead h = request("\r\n\r\n" + head("GET /chat HTTP/1.1", "Host: a"));

        assertThat(h.path()).isEqualTo("/chat");
    }

    @Test
    void nothingIsReturnedUntilTheEmptyLineArrives() throws HeadParseException {
        RequestHeadParser parser = new RequestHeadParser(HeadLimits.DEFAULT);

        assertThat(parser.parse(buffer("GET / HTTP/1.1\r\nHost: a\r\n"))).isNull();
        assertThat(parser.parse(buffer("\r"))).isNull();
        assertThat(parser.parse(buffer("\n"))).isNotNull();
    }

    @Test
    void bytesAfterHeadAreLeftInBuffer() throws HeadParseException {
        ByteBuffer wire = buffer(head("GET / HTTP/1.1", "Host: a") + "\u0081\u0085frame");

        assertThat(new RequestHeadParser(HeadLimits.DEFAULT).parse(wire)).isNotNull();
        assertThat(text(wire)).isEqualTo("\u0081\u0085frame");
    }

    @Test
    void consumedCountsEveryByteOfTheHead() throws HeadParseException {
        String wire = "\r\n" + head("GET / HTTP/1.1", "Host: a");
        RequestHeadParser parser = new RequestHeadParser(HeadLimits.DEFAULT);
        parser.parse(buffer(wire + "after"));

        assertThat(parser.consumed()).isEqualTo(wire.length());
    }

    @Test
    void aParserReadsOnlyOneHead() throws HeadParseException {
        RequestHeadParser parser = new RequestHeadParser(HeadLimits.DEFAULT);
        parser.parse(buffer(head("GET / HTTP/1.1", "Host: a")));

        assertThatThrownBy(() -> parser.parse(buffer(head("GET / HTTP/1.1", "Host: a"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void repeatedFieldsStayInArrivalOrder() {
        RequestHead h = request(head("GET / HTTP/1.1", "Host: a", "Cookie: a=1", "X: y", "Cookie: b=2"));

        assertThat(h.headers().all("cookie")).isEqualTo(List.of("a=1", "b=2"));
    }

    @Test
    void limitsBelowTheirMinimumAreRefused() {
        assertThatThrownBy(() -> new HeadLimits(63, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HeadLimits(64, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static RequestHead parse(HeadLimits limits, String wire) {
        try {
            return new RequestHeadParser(limits).parse(buffer(wire));
        } catch (HeadParseException e) {
            throw new AssertionError(e.status() + ": " + e.getMessage(), e);
        }
    }
}
