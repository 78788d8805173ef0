package dev.anchor.core.handshake;

import static dev.anchor.core.Heads.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.core.http.HeadLimits;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RejectionTest {

    @Test
    void responseStartsWithTheStatusLine() {
        assertThat(text(Rejection.of(404, "no route for /x").response())).startsWith("HTTP/1.1 404 Not Found\r\n");
    }

    @Test
    void contentLengthCountsTheBodyBytes() throws HeadParseException {
        ByteBuffer wire = Rejection.of(400, "caf\u00e9 \u2615 is not a key").response();
        ResponseHead head = new ResponseHeadParser(HeadLimits.DEFAULT).parse(wire);

        assertThat(head.headers().first("Content-Length")).contains(Integer.toString(wire.remaining()));
    }

    @Test
    void bodyNamesTheStatusAndTheDetail() throws HeadParseException {
        ByteBuffer wire = Rejection.of(404, "no route for /x").response();
        new ResponseHeadParser(HeadLimits.DEFAULT).parse(wire);

        assertThat(StandardCharsets.UTF_8.decode(wire).toString()).isEqualTo("404 Not Found: no route for /x\n");
    }

    @Test
    void connectionIsClosedAfterARejection() {
        assertThat(Rejection.of(502, "x").head().headers().all("Connection")).containsExactly("close");
    }

    @Test
    void extraFieldsFollowTheStandardOnes() {
        ResponseHead head = Rejection.of(405, "a handshake is a GET").with("Allow", "GET").head();

        assertThat(head.headers().fields()).extracting(f -> f.name())
                .containsExactly("Content-Type", "Content-Length", "Allow", "Connection");
    }

    @Test
    void anOwnConnectionFieldReplacesClose() {
        ResponseHead head = Rejection.of(426, "x").with("Upgrade", "websocket").with("Connection", "Upgrade, close").head();

        assertThat(head.headers().all("Connection")).containsExactly("Upgrade, close");
    }

    @Test
    void statusWithoutAReasonIsRefused() {
        assertThatThrownBy(() -> Rejection.of(418, "teapot")).isInstanceOf(IllegalArgumentException.class);
    }
}
