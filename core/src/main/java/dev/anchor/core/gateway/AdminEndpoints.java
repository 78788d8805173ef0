package dev.anchor.core.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.anchor.core.handshake.UpgradeRequestCheck;
import dev.anchor.core.http.HeaderField;
import dev.anchor.core.http.Headers;
import dev.anchor.core.http.HttpVersion;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.config.AddressRange;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * The gateway's own pages, answered without touching a backend: {@code /healthz} for load
 * balancers, {@code /metrics} for Prometheus, {@code /status} and {@code /status/tunnels} (JSON)
 * for operators. Only GET and HEAD requests reach them; a WebSocket upgrade is always routed.
 */
public final class AdminEndpoints {
    public static final List<String> PATHS = List.of("/healthz", "/metrics", "/status", "/status/tunnels");
    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    private final boolean enabled;
    private final List<AddressRange> allow;
    private final GatewayMetrics metrics;
    private final Function<Boolean, GatewayStatus> status;

    /**
     * {@code enabled} is {@code admin.enabled}: when false, these paths are routed like any other.
     * {@code allow} is {@code admin.allow}: who may read the pages other than /healthz.
     */
    AdminEndpoints(boolean enabled, List<AddressRange> allow, GatewayMetrics metrics,
                   Function<Boolean, GatewayStatus> status) {
        this.enabled = enabled;
        this.allow = List.copyOf(allow);
        this.metrics = metrics;
        this.status = status;
    }

    /**
     * Whether {@code client} may read the page {@code head} asks for. /healthz answers anyone, since
     * load balancers probe it from elsewhere; metrics and status (which lists client addresses)
     * only the ranges in admin.allow, loopback by default.
     */
    public boolean allows(RequestHead head, InetAddress client) {
        return head.path().equals("/healthz") || allow.stream().anyMatch(r -> r.contains(client));
    }

    public boolean handles(RequestHead head) {
        return enabled
                && (head.method().equals("GET") || head.method().equals("HEAD"))
                && PATHS.contains(head.path())
                // a WebSocket upgrade is always routed; any other (h2c, which the JDK's HttpClient
                // offers on every plain request) is ignored, as RFC 9110 section 7.8 allows
                && !UpgradeRequestCheck.asksForWebSocket(head.headers());
    }

    public ByteBuffer respond(RequestHead head) {
        return switch (head.path()) {
            case "/healthz" -> page(head, "text/plain; charset=utf-8", "ok\n");
            case "/metrics" -> page(head, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            case "/status" -> page(head, "application/json", json(status.apply(false)));
            default -> page(head, "application/json", json(status.apply(true).tunnelList()));
        };
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status is plain records and always serialises", e);
        }
    }

    private static ByteBuffer page(RequestHead request, String type, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer head = new ResponseHead(HttpVersion.HTTP_1_1, 200, "OK", Headers.of(List.of(
                new HeaderField("Content-Type", type),
                new HeaderField("Content-Length", Integer.toString(body.length)),
                new HeaderField("Cache-Control", "no-store"),
                new HeaderField("Connection", "close")))).render();
        int bodyLength = request.method().equals("HEAD") ? 0 : body.length;
        return ByteBuffer.allocate(head.remaining() + bodyLength).put(head).put(body, 0, bodyLength).flip();
    }
}
