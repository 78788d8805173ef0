package dev.anchor.core.handshake;

import static dev.anchor.core.Heads.buffer;
import static dev.anchor.core.Heads.head;
import static dev.anchor.core.Heads.latin1;
import static dev.anchor.core.Heads.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.anchor.core.Gens;
import dev.anchor.core.http.HeadParseException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** RFC 9112 section 6.3: where a passed-on body ends, without taking a byte past it. */
class ResponseBodyTest {

    @Test
    void contentLengthBodyEndsAfterThatManyBytes() throws HeadParseException {
        ResponseBody body = of("HTTP/1.1 401 Unauthorized", "Content-Length: 4");

        assertThat(body.take(buffer("denyEXTRA"))).isEqualTo(4);
        assertThat(body.complete()).isTrue();
        assertThat(body.endsAtClose()).isFalse();
    }

    @Test
    void contentLengthBodyIsCountedAcrossReads() throws HeadParseException {
        ResponseBody body = of("HTTP/1.1 401 Unauthorized", "Content-Length: 6");

        assertThat(body.take(buffer("den"))).isEqualTo(3);
        assertThat(body.complete()).isFalse();
        assertThat(body.take(buffer("ied!!"))).isEqualTo(3);
        assertThat(body.complete()).isTrue();
    }

    @Test
    void repeatedEqualContentLengthsAreOneLength() throws HeadParseException {
        ResponseBody body = of("HTTP/1.1 400 Bad Request", "Content-Length: 2", "Content-Length: 2");

        assertThat(body.take(buffer("nope"))).isEqualTo(2);
    }

    @Test
    void conflictingContentLengthIs502() {
        assertUnusable("HTTP/1.1 400 Bad Request", "Content-Length: 2", "Content-Length: 3");
    }

    @Test
    void nonDecimalContentLengthIs502() {
        assertUnusable("HTTP/1.1 400 Bad Request", "Content-Length: -1");
        assertUnusable("HTTP/1.1 400 Bad Request", "Content-Length: 2, 2");
        assertUnusable("HTTP/1.1 400 Bad Request", "Content-Length: " + "9".repeat(19));
    }

    @Test
    void bodyWithoutLengthEndsWhenTheBackendCloses() throws HeadParseException {
        ResponseBody body = of("HTTP/1.0 403 Forbidden");

        assertThat(body.endsAtClose()).isTrue();
        assertThat(body.take(buffer("all of it"))).isEqualTo(9);
        assertThat(body.complete()).isFalse();
    }

    @Test
    void status204And304AndInformationalHaveNoBody() throws HeadParseException {
        for (String status : List.of("HTTP/1.1 204 No Content", "HTTP/1.1 304 Not Modified", "HTTP/1.1 100 Continue")) {
            ResponseBody body = of(status, "Content-Length: 10");
            assertThat(body.complete()).as(status).isTrue();
            assertThat(body.take(buffer("not a body"))).as(status).isZero();
        }
    }

    @Test
    void chunkedBodyEndsAtItsLastCrlf() throws HeadParseException {
        ResponseBody body = chunked();
        String framed = "5\r\nhello\r\n1A\r\n" + "x".repeat(26) + "\r\n0\r\n\r\n";

        assertThat(body.take(buffer(framed + "HTTP/1.1 200 OK"))).isEqualTo(framed.length());
        assertThat(body.complete()).isTrue();
    }

    @Test
    void chunkExtensionsAreSkipped() throws HeadParseException {
        ResponseBody body = chunked();
        String framed = "5;name=value\r\nhello\r\n3 ; a=\"b;c\"\r\nabc\r\n0;last\r\n\r\n";

        assertThat(body.take(buffer(framed + "after"))).isEqualTo(framed.length());
        assertThat(body.complete()).isTrue();
    }

    @Test
    void trailersAreSkipped() throws HeadParseException {
        ResponseBody body = chunked();
        String framed = "2\r\nhi\r\n0\r\nExpires: never\r\nX-Checksum: 1\r\n\r\n";

        assertThat(body.take(buffer(framed + "after"))).isEqualTo(framed.length());
        assertThat(body.complete()).isTrue();
    }

    @Test
    void chunkedIsUsedOnlyWhenItIsTheLastCoding() throws HeadParseException {
        assertThat(of("HTTP/1.1 400 Bad Request", "Transfer-Encoding: gzip, chunked").endsAtClose()).isFalse();
        assertThat(of("HTTP/1.1 400 Bad Request", "Transfer-Encoding: chunked, gzip").endsAtClose()).isTrue();
    }

    @Test
    void bothTransferEncodingAndContentLengthIs502() {
        // RFC 9112 section 6.3: a message with both could be framed two ways; a proxy must not pass it on
        assertThatThrownBy(() -> ResponseBody.of(response(head("HTTP/1.1 400 Bad Request", "Transfer-Encoding: chunked", "Content-Length: 1"))))
                .isInstanceOf(HeadParseException.class)
                .satisfies(e -> assertThat(((HeadParseException) e).status()).isEqualTo(502))
                .hasMessageContaining("both Transfer-Encoding and Content-Length");
    }

    @Test
    void aBareLfInATrailerIsMalformed() {
        assertMalformedChunked("0\r\nX-Trailer: t\n\r\n");
    }

    @Test
    void malformedChunkSizeIs502() {
        assertMalformedChunked("x\r\n");
        assertMalformedChunked("\r\n");
        assertMalformedChunked("10000000000000000\r\n");
    }

    @Test
    void chunkDataNotFollowedByCrlfIs502() {
        assertMalformedChunked("2\r\nhiX\r\n");
        assertMalformedChunked("2\r\nhi\rX");
    }

    @Test
    void bareLfAfterChunkSizeIs502() {
        assertMalformedChunked("2\nhi\r\n");
        assertMalformedChunked("2;ext\nhi\r\n");
    }

    @Test
    void takeDoesNotMoveTheBuffer() throws HeadParseException {
        ByteBuffer wire = buffer("2\r\nhi\r\n0\r\n\r\n");

        chunked().take(wire);

        assertThat(wire.position()).isZero();
    }

    @Test
    void chunkedBodyInAnySplitEndsExactlyAtTheLastCrlf() {
        qt().withExamples(500)
                .forAll(chunkedBodies(), Gens.bytes(0, 40, Gens.framingBytes()), Gens.readSizes())
                .checkAssert((framed, after, reads) -> {
                    byte[] wire = concat(latin1(framed), after);
                    ResponseBody body = chunked();
                    int taken = 0;
                    for (byte[] read : Gens.chop(wire, reads)) {
                        int n = take(body, ByteBuffer.wrap(read));
                        taken += n;
                        if (body.complete()) {
                            break;
                        }
                        assertThat(n).as("an unfinished body takes the whole read").isEqualTo(read.length);
                    }
                    assertThat(taken).isEqualTo(framed.length());
                    assertThat(body.complete()).isTrue();
                });
    }

    /** Chunked framings: data chunks, each with an optional extension, then optional trailers. */
    private static Gen<String> chunkedBodies() {
        Gen<String> chunk = integers().between(1, 300).zip(Gens.token(0, 8), (size, ext) ->
                Integer.toHexString(size) + (ext.isEmpty() ? "" : ";" + ext) + "\r\n" + "d".repeat(size) + "\r\n");
        Gen<String> trailer = Gens.token(1, 10).zip(Gens.stringOf("abc ;:\t", 0, 10), (n, v) -> n + ": " + v + "\r\n");
        return lists().of(chunk).ofSizeBetween(0, 6)
                .zip(lists().of(trailer).ofSizeBetween(0, 3), (chunks, trailers) ->
                        String.join("", chunks) + "0\r\n" + String.join("", trailers) + "\r\n");
    }

    private static ResponseBody chunked() {
        return of("HTTP/1.1 403 Forbidden", "Transfer-Encoding: chunked");
    }

    private static ResponseBody of(String... lines) {
        try {
            return ResponseBody.of(response(head(lines)));
        } catch (HeadParseException e) {
            throw new AssertionError(e);
        }
    }

    private static int take(ResponseBody body, ByteBuffer read) {
        try {
            return body.take(read);
        } catch (HeadParseException e) {
            throw new AssertionError("a valid chunked body was refused: " + e.getMessage(), e);
        }
    }

    private static void assertUnusable(String... lines) {
        assertThatThrownBy(() -> ResponseBody.of(response(head(lines))))
                .isInstanceOfSatisfying(HeadParseException.class, e -> assertThat(e.status()).isEqualTo(502));
    }

    private static void assertMalformedChunked(String wire) {
        assertThatThrownBy(() -> chunked().take(buffer(wire)))
                .isInstanceOfSatisfying(HeadParseException.class, e -> assertThat(e.status()).isEqualTo(502));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
