package dev.anchor.core.handshake;

import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.Headers;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.ResponseHead;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges the backend's response to a forwarded handshake. A 101 is passed on only if it is a
 * WebSocket switch the client will accept: the right Sec-WebSocket-Accept for the client's key, and
 * no subprotocol or extension the client did not offer. Anything else the backend says reaches the
 * client as it was sent, minus the hop-by-hop fields.
 */
// tag::backend-answer[]
public final class BackendAnswer {
    private BackendAnswer() {
    }

    public static Answer judge(RequestHead forwarded, ResponseHead response) {
        Headers h = response.headers();
        if (response.status() == 101) {
            return switchProblem(forwarded.headers(), h)
                    .<Answer>map(problem -> new Answer.Refuse(Rejection.of(502, problem)))
                    .orElseGet(() -> new Answer.Switch(withoutHopByHop(response, true).render()));
        }
        if (response.informational()) {
            return new Answer.Interim(withoutHopByHop(response, false).render());
        }
        try {
            ResponseBody body = ResponseBody.of(response);
            return new Answer.PassOn(withoutHopByHop(response, false).render(), body, response.status());
        } catch (HeadParseException e) {
            return new Answer.Refuse(Rejection.of(502, e.getMessage()));
        }
    }
    // end::backend-answer[]

    private static Optional<String> switchProblem(Headers request, Headers response) {
        if (!response.hasToken("Connection", "upgrade")) {
            return Optional.of("backend answered 101 without 'Connection: Upgrade'");
        }
        if (!response.tokens("Upgrade").equals(List.of("websocket"))) {
            return Optional.of("backend switched to " + response.tokens("Upgrade") + ", not websocket");
        }
        Optional<String> key = request.first("Sec-WebSocket-Key");
        if (key.isEmpty()) {
            // the client named its key in Connection, so the key stopped at this hop
            return Optional.of("backend answered 101 to a request that reached it without a Sec-WebSocket-Key");
        }
        List<String> accepts = response.all("Sec-WebSocket-Accept");
        if (!accepts.equals(List.of(WebSocketKey.accept(key.get())))) {
            return Optional.of("backend's Sec-WebSocket-Accept " + accepts + " does not answer the client's key");
        }
        List<String> offered = request.tokens("Sec-WebSocket-Protocol");
        List<String> chosenProtocols = response.tokens("Sec-WebSocket-Protocol");
        if (chosenProtocols.size() > 1) {
            return Optional.of("backend chose " + chosenProtocols.size() + " subprotocols; a server picks one");
        }
        for (String chosen : chosenProtocols) {
            if (!offered.contains(chosen)) {
                return Optional.of("backend chose subprotocol '" + chosen + "', which the client did not offer");
            }
        }
        List<String> offeredExtensions = extensionNames(request);
        for (String extension : extensionNames(response)) {
            if (!offeredExtensions.contains(extension)) {
                return Optional.of("backend accepted extension '" + extension + "', which the client did not offer");
            }
        }
        return Optional.empty();
    }

    private static List<String> extensionNames(Headers headers) {
        return headers.tokens("Sec-WebSocket-Extensions").stream()
                .map(e -> e.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .toList();
    }

    /**
     * The response as the client gets it: hop-by-hop fields gone, and the gateway's own connection
     * semantics stated: {@code Upgrade} for a switch, {@code close} for anything else, since the
     * gateway never reuses a client connection after a refused handshake.
     */
    private static ResponseHead withoutHopByHop(ResponseHead response, boolean switching) {
        Headers h = response.headers();
        // the body is passed on in its wire framing, so its Transfer-Encoding must travel with it
        Headers kept = h.without(HopByHop.in(h, List.of("transfer-encoding")));
        if (switching) {
            kept = kept.with("Connection", "Upgrade").with("Upgrade", h.first("Upgrade").orElseThrow());
        } else if (!response.informational()) {
            kept = kept.with("Connection", "close");
        }
        return new ResponseHead(response.version(), response.status(), response.reason(), kept);
    }
}
