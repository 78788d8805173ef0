package dev.anchor.core.handshake;

import static dev.anchor.core.Heads.SAMPLE_KEY;
import static dev.anchor.core.Heads.head;
import static dev.anchor.core.Heads.request;
import static dev.anchor.core.Heads.upgrade;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.http.HeaderField;
import dev.anchor.core.http.HttpVersion;
import dev.anchor.core.http.RequestHead;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** The handshake as the backend gets it: end-to-end fields kept, hop-by-hop rebuilt, the client named. */
class UpstreamRequestTest {
    private static final InetSocketAddress CLIENT = address("198.51.100.2", 50123);
    private static final InetSocketAddress CLIENT_V6 = address("2001:db8::1", 50123);

    @Test
    void hopByHopFieldsAreRemoved() {
        RequestHead up = forward(upgrade(
                "Keep-Alive: timeout=5", "Proxy-Connection: keep-alive", "TE: trailers", "Transfer-Encoding: chunked"));

        assertThat(up.headers().contains("Keep-Alive")).isFalse();
        assertThat(up.headers().contains("Proxy-Connection")).isFalse();
        assertThat(up.headers().contains("TE")).isFalse();
        assertThat(up.headers().contains("Transfer-Encoding")).isFalse();
    }

    @Test
    void fieldsNamedInConnectionAreRemoved() {
        RequestHead up = forward(upgrade("-Connection", "Connection: Upgrade, X-Trace", "X-Trace: 42", "X-Keep: 1"));

        assertThat(up.headers().contains("X-Trace")).isFalse();
        assertThat(up.headers().first("X-Keep")).contains("1");
    }

    @Test
    void connectionAndUpgradeAreRebuiltForTheGatewaysHop() {
        RequestHead up = forward(upgrade("-Connection", "-Upgrade", "Connection: keep-alive, upgrade", "Upgrade: WebSocket"));

        assertThat(up.headers().all("Connection")).containsExactly("Upgrade");
        assertThat(up.headers().all("Upgrade")).containsExactly("websocket");
    }

    @Test
    void endToEndFieldsKeepTheirOrder() {
        RequestHead up = forward(upgrade(
                "Origin: http://app.example", "Sec-WebSocket-Protocol: chat, superchat",
                "Cookie: a=1", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits", "Cookie: b=2"));

        assertThat(up.headers().fields()).extracting(HeaderField::toString).containsSubsequence(
                "Host: gw.example",
                "Sec-WebSocket-Key: " + SAMPLE_KEY,
                "Sec-WebSocket-Version: 13",
                "Origin: http://app.example",
                "Sec-WebSocket-Protocol: chat, superchat",
                "Cookie: a=1",
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
                "Cookie: b=2");
    }

    @Test
    void xForwardedForStartsWithTheClientWhenAbsent() {
        assertThat(forward(upgrade()).headers().all("X-Forwarded-For")).containsExactly("198.51.100.2");
    }

    @Test
    void xForwardedForIsAppendedToAnExistingChain() {
        RequestHead up = forward(upgrade("X-Forwarded-For: 203.0.113.7, 10.0.0.1", "X-Forwarded-For: 10.0.0.2"));

        assertThat(up.headers().all("X-Forwarded-For")).containsExactly("203.0.113.7, 10.0.0.1, 10.0.0.2, 198.51.100.2");
    }

    @Test
    void xForwardedProtoIsHttpWhateverTheClientSaid() {
        RequestHead up = forward(upgrade("X-Forwarded-Proto: https"));

        assertThat(up.headers().all("X-Forwarded-Proto")).containsExactly("http");
    }

    @Test
    void forwardedNamesTheClientAndProto() {
        assertThat(forward(upgrade()).headers().all("Forwarded")).containsExactly("for=198.51.100.2;proto=http");
    }

    @Test
    void forwardedQuotesAndBracketsAnIpv6Client() {
        RequestHead up = UpstreamRequest.of(upgrade(), CLIENT_V6, "http");

        assertThat(up.headers().all("Forwarded")).containsExactly("for=\"[2001:db8:0:0:0:0:0:1]\";proto=http");
        assertThat(up.headers().all("X-Forwarded-For")).containsExactly("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void forwardedIsAppendedToAnExistingForwarded() {
        RequestHead up = forward(upgrade("Forwarded: for=203.0.113.7;proto=https"));

        assertThat(up.headers().all("Forwarded"))
                .containsExactly("for=203.0.113.7;proto=https, for=198.51.100.2;proto=http");
    }

    @Test
    void absoluteFormTargetIsRewrittenToOriginForm() {
        RequestHead up = forward(request(head("GET http://gw.example/chat?room=1 HTTP/1.1", "Host: gw.example",
                "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + SAMPLE_KEY,
                "Sec-WebSocket-Version: 13")));

        assertThat(up.target().raw()).isEqualTo("/chat?room=1");
        assertThat(up.path()).isEqualTo("/chat");
        assertThat(up.target().query()).isEqualTo("room=1");
    }

    @Test
    void originFormTargetIsPassedOnAsSent() {
        RequestHead client = request(head("GET /chat?room=1 HTTP/1.1", "Host: gw.example",
                "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + SAMPLE_KEY,
                "Sec-WebSocket-Version: 13"));

        assertThat(forward(client).target()).isEqualTo(client.target());
    }

    @Test
    void upstreamRequestIsAnHttp11Get() {
        RequestHead up = forward(upgrade());

        assertThat(up.method()).isEqualTo("GET");
        assertThat(up.version()).isEqualTo(HttpVersion.HTTP_1_1);
    }

    @Test
    void upstreamRequestPassesTheUpgradeCheck() {
        assertThat(UpgradeRequestCheck.check(forward(upgrade("Connection: keep-alive")))).isEmpty();
    }

    private static RequestHead forward(RequestHead client) {
        return UpstreamRequest.of(client, CLIENT, "http");
    }

    static InetSocketAddress address(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anAbsoluteFormTargetsAuthorityBecomesTheHost() {
        RequestHead client = request(head("GET http://chat.example/room?x=1 HTTP/1.1", "Host: elsewhere.example",
                "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + SAMPLE_KEY,
                "Sec-WebSocket-Version: 13"));

        RequestHead up = forward(client);

        assertThat(up.headers().all("Host")).containsExactly("chat.example");
        assertThat(up.target().raw()).isEqualTo("/room?x=1");
    }
}
