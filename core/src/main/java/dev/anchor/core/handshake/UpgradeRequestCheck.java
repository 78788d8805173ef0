package dev.anchor.core.handshake;

import dev.anchor.core.http.Headers;
import dev.anchor.core.http.RequestHead;
import java.util.List;
import java.util.Optional;

/**
 * Whether a request on a routed path is a WebSocket opening handshake the gateway may forward
 * (RFC 6455 section 4.2.1), and if not, the precise refusal.
 */
// tag::upgrade-check[]
public final class UpgradeRequestCheck {
    private UpgradeRequestCheck() {
    }

    public static Optional<Rejection> check(RequestHead head) {
        Headers h = head.headers();
        if (!head.method().equals("GET")) {
            return Optional.of(Rejection.of(405, "a WebSocket handshake is a GET, not " + head.method())
                    .with("Allow", "GET"));
        }
        boolean upgrade = head.version().atLeast11()
                && h.hasToken("Connection", "upgrade")
                && asksForWebSocket(h);
        if (!upgrade) {
            return Optional.of(Rejection.of(426, "this path only speaks WebSocket: send an HTTP/1.1 GET with "
                            + "'Connection: Upgrade' and 'Upgrade: websocket'")
                    .with("Upgrade", "websocket")
                    .with("Connection", "Upgrade, close"));
        }
        List<String> versions = h.tokens("Sec-WebSocket-Version");
        if (!versions.equals(List.of("13"))) {
            return Optional.of(Rejection.of(426, "Sec-WebSocket-Version must be 13, got " + versions)
                    .with("Sec-WebSocket-Version", "13"));
        }
        List<String> keys = h.all("Sec-WebSocket-Key");
        if (keys.size() != 1 || !WebSocketKey.isValid(keys.get(0))) {
            return Optional.of(Rejection.of(400,
                    "Sec-WebSocket-Key must be one base64-encoded 16-byte nonce, got " + keys));
        }
        if (h.contains("Content-Length") && !h.first("Content-Length").orElseThrow().equals("0")
                || h.contains("Transfer-Encoding")) {
            return Optional.of(Rejection.of(400, "a WebSocket handshake has no body"));
        }
        return Optional.empty();
    }
    // end::upgrade-check[]

    /** Whether the request's Upgrade field lists websocket (it may list other protocols too). */
    public static boolean asksForWebSocket(Headers h) {
        return h.tokens("Upgrade").stream().anyMatch(UpgradeRequestCheck::isWebSocket);
    }

    /** An Upgrade element is {@code protocol-name ["/" protocol-version]}; only the name counts. */
    private static boolean isWebSocket(String protocol) {
        int slash = protocol.indexOf('/');
        return (slash < 0 ? protocol : protocol.substring(0, slash)).equals("websocket");
    }
}
