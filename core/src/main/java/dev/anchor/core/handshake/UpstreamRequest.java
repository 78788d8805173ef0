package dev.anchor.core.handshake;

import dev.anchor.core.http.HeaderField;
import dev.anchor.core.http.Headers;
import dev.anchor.core.http.HttpVersion;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.RequestTarget;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The handshake as the backend receives it. Everything end-to-end passes in its order
 * (Sec-WebSocket-*, Origin, Cookie, subprotocols, extensions); the hop-by-hop fields stop here and
 * are rebuilt for the gateway's own hop; the client's address is added to the forwarding fields.
 */
// tag::upstream-request[]
public final class UpstreamRequest {
    private UpstreamRequest() {
    }

    public static RequestHead of(RequestHead client, InetSocketAddress clientAddress, String proto) {
        RequestTarget target = client.target();
        Headers kept = client.headers()
                .without(HopByHop.in(client.headers()))
                .without(f -> f.is("X-Forwarded-For") || f.is("X-Forwarded-Proto") || f.is("Forwarded"));
        if (target.authority() != null) {
            // RFC 9112 section 3.2.2: an absolute-form target's authority is the host, whatever Host said
            kept = kept.without(f -> f.is("Host"));
        }
        List<HeaderField> fields = new ArrayList<>(kept.fields());
        if (target.authority() != null) {
            fields.add(0, new HeaderField("Host", target.authority()));
        }
        String ip = clientAddress.getAddress().getHostAddress();
        fields.add(new HeaderField("X-Forwarded-For", appended(client.headers().all("X-Forwarded-For"), ip)));
        fields.add(new HeaderField("X-Forwarded-Proto", proto));
        fields.add(new HeaderField("Forwarded", appended(client.headers().all("Forwarded"),
                "for=" + forwardedNode(clientAddress.getAddress()) + ";proto=" + proto)));
        fields.add(new HeaderField("Connection", "Upgrade"));
        fields.add(new HeaderField("Upgrade", "websocket"));
        RequestTarget originForm = target.raw().equals(target.originForm())
                ? target
                : new RequestTarget(target.originForm(), target.path(), target.query());
        return new RequestHead("GET", originForm, HttpVersion.HTTP_1_1, Headers.of(fields));
    }
    // end::upstream-request[]

    /** A list-valued field extended by one element: earlier hops stay first (RFC 7239 section 4). */
    private static String appended(List<String> earlier, String element) {
        List<String> elements = new ArrayList<>(earlier.size() + 1);
        for (String value : earlier) {
            if (!value.isBlank()) {
                elements.add(value);
            }
        }
        elements.add(element);
        return String.join(", ", elements);
    }

    /** RFC 7239 section 6: an IPv6 node is bracketed and, since it holds colons, quoted. */
    private static String forwardedNode(InetAddress address) {
        String ip = address.getHostAddress();
        return address instanceof Inet6Address ? "\"[" + ip + "]\"" : ip;
    }
}
