package dev.anchor.core.handshake;

import static dev.anchor.core.Heads.SAMPLE_ACCEPT;
import static dev.anchor.core.Heads.buffer;
import static dev.anchor.core.Heads.edited;
import static dev.anchor.core.Heads.head;
import static dev.anchor.core.Heads.response;
import static dev.anchor.core.Heads.upgrade;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.ResponseHead;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the client gets for each kind of backend answer to a forwarded handshake. */
class BackendAnswerTest {
    private static final RequestHead FORWARDED = upgrade(
            "Sec-WebSocket-Protocol: chat, superchat",
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits");

    @Test
    void switchWithTheRightAcceptIsPassedOn() {
        Answer.Switch s = switched(judge(switching()));

        ResponseHead head = response(s.head());
        assertThat(head.status()).isEqualTo(101);
        assertThat(head.headers().first("Sec-WebSocket-Accept")).contains(SAMPLE_ACCEPT);
    }

    @Test
    void switchCarriesConnectionUpgradeAndTheBackendsUpgrade() {
        ResponseHead head = response(switched(judge(switching("-Upgrade", "-Connection",
                "Upgrade: WebSocket", "Connection: keep-alive, Upgrade", "Keep-Alive: timeout=5"))).head());

        assertThat(head.headers().all("Connection")).containsExactly("Upgrade");
        assertThat(head.headers().all("Upgrade")).containsExactly("WebSocket");
        assertThat(head.headers().contains("Keep-Alive")).isFalse();
    }

    @Test
    void chosenSubprotocolAndExtensionTheClientOfferedArePassedOn() {
        ResponseHead head = response(switched(judge(switching(
                "Sec-WebSocket-Protocol: superchat",
                "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover"))).head());

        assertThat(head.headers().first("Sec-WebSocket-Protocol")).contains("superchat");
        assertThat(head.headers().first("Sec-WebSocket-Extensions"))
                .contains("permessage-deflate; server_no_context_takeover");
    }

    @Test
    void wrongAcceptIsRefusedWith502() {
        assertRefused502(judge(switching("-Sec-WebSocket-Accept", "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
    }

    @Test
    void missingOrRepeatedAcceptIsRefusedWith502() {
        assertRefused502(judge(switching("-Sec-WebSocket-Accept")));
        assertRefused502(judge(switching("Sec-WebSocket-Accept: " + SAMPLE_ACCEPT)));
    }

    @Test
    void switchWithoutConnectionUpgradeIsRefusedWith502() {
        assertRefused502(judge(switching("-Connection")));
        assertRefused502(judge(switching("-Connection", "Connection: keep-alive")));
    }

    @Test
    void switchToAnotherProtocolIsRefusedWith502() {
        assertRefused502(judge(switching("-Upgrade", "Upgrade: h2c")));
        assertRefused502(judge(switching("-Upgrade")));
    }

    @Test
    void unofferedSubprotocolIsRefusedWith502() {
        assertRefused502(judge(switching("Sec-WebSocket-Protocol: mqtt")));
    }

    @Test
    void subprotocolWhenNoneWasOfferedIsRefusedWith502() {
        assertRefused502(BackendAnswer.judge(upgrade(), switching("Sec-WebSocket-Protocol: chat")));
    }

    @Test
    void unofferedExtensionIsRefusedWith502() {
        assertRefused502(judge(switching("Sec-WebSocket-Extensions: x-webkit-deflate-frame")));
    }

    @Test
    void switchForAForwardedRequestWithoutKeyIsRefusedWith502() {
        // a client may name Sec-WebSocket-Key in Connection, so the backend gets no key at all
        RequestHead forwarded = UpstreamRequest.of(upgrade("-Connection", "Connection: Upgrade, Sec-WebSocket-Key"),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000), "http");

        assertRefused502(BackendAnswer.judge(forwarded, switching()));
    }

    @Test
    void refusalWithBodyIsRelayedWithoutHopByHopAndWithConnectionClose() throws HeadParseException {
        Answer answer = judge(response(head("HTTP/1.1 401 Unauthorized", "WWW-Authenticate: Bearer",
                "Connection: keep-alive, X-Hop", "Keep-Alive: timeout=5", "X-Hop: 1", "Content-Length: 5")));

        Answer.PassOn passed = (Answer.PassOn) answer;
        ResponseHead head = response(passed.head());
        assertThat(passed.status()).isEqualTo(401);
        assertThat(head.status()).isEqualTo(401);
        assertThat(head.headers().first("WWW-Authenticate")).contains("Bearer");
        assertThat(head.headers().contains("Keep-Alive")).isFalse();
        assertThat(head.headers().contains("X-Hop")).isFalse();
        assertThat(head.headers().all("Connection")).containsExactly("close");
        assertThat(passed.body().take(buffer("hello, and more"))).isEqualTo(5);
    }

    @Test
    void aPassedOnChunkedBodyKeepsItsTransferEncoding() throws HeadParseException {
        Answer.PassOn passed = (Answer.PassOn) judge(response(head("HTTP/1.1 403 Forbidden", "Transfer-Encoding: chunked")));

        assertThat(response(passed.head()).headers().all("Transfer-Encoding")).containsExactly("chunked");
        assertThat(passed.body().take(buffer("2\r\nno\r\n0\r\n\r\n"))).isEqualTo(12);
        assertThat(passed.body().complete()).isTrue();
    }

    @Test
    void relayWithConflictingContentLengthsIsRefusedWith502() {
        assertRefused502(judge(response(head("HTTP/1.1 400 Bad Request", "Content-Length: 5", "Content-Length: 6"))));
    }

    @Test
    void informationalAnswerIsInterim() {
        Answer answer = judge(response(head("HTTP/1.1 103 Early Hints", "Link: </style.css>; rel=preload")));

        ResponseHead head = response(((Answer.Interim) answer).head());
        assertThat(head.status()).isEqualTo(103);
        assertThat(head.headers().first("Link")).contains("</style.css>; rel=preload");
        assertThat(head.headers().contains("Connection")).isFalse();
    }

    /** A correct 101 for the RFC's sample key, changed by {@code edits} as {@link dev.anchor.core.Heads#edited} does. */
    private static ResponseHead switching(String... edits) {
        return response(head(edited(List.of(
                "HTTP/1.1 101 Switching Protocols",
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Accept: " + SAMPLE_ACCEPT), edits)));
    }

    private static Answer judge(ResponseHead response) {
        return BackendAnswer.judge(FORWARDED, response);
    }

    private static Answer.Switch switched(Answer answer) {
        assertThat(answer).isInstanceOf(Answer.Switch.class);
        return (Answer.Switch) answer;
    }

    private static void assertRefused502(Answer answer) {
        assertThat(answer).isInstanceOfSatisfying(Answer.Refuse.class,
                r -> assertThat(r.rejection().status()).isEqualTo(502));
    }

    @Test
    void aSwitchNamingTwoSubprotocolsIsRefusedWith502() {
        assertRefused502(judge(switching("Sec-WebSocket-Protocol: chat, superchat")));
    }
}
