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
import dev.anchor.core.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;

/**
 * The gateway's own pages, answered without touching a backend: {@code /healthz} for load
 * balancers, {@code /metrics} for Prometheus, {@code /status} and {@code /status/tunnels} (JSON)
 * and the status page at {@code /} (for a browser) for operators, and two requests that act:
 * {@code POST /drain} and {@code POST /reload}. Only GET and HEAD reach the pages, only POST the
 * actions; a WebSocket upgrade is always routed.
 */
public final class AdminEndpoints {
    public static final List<String> PATHS = List.of("/healthz", "/metrics", "/status", "/status/tunnels");
    public static final List<String> ACTIONS = List.of("/drain", "/reload");
    /** The status page: static HTML and JavaScript in the jar, which reads /status and /status/tunnels. */
    static final String PAGE = "/dev/anchor/core/admin/index.html";

    /** What the two actions do; the runtime's. */
    interface Operations {
        boolean draining();

        /** Begins a drain (once); the process exits when it is over. */
        void drain();

        /** Re-reads the configuration file: a summary of what changed, or a ConfigException that names the key. */
        String reload();
    }
    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    private final boolean enabled;
    private final List<AddressRange> allow;
    private final GatewayMetrics metrics;
    private final Function<Boolean, GatewayStatus> status;
    private final Operations operations;

    /**
     * {@code enabled} is {@code admin.enabled}: when false, these paths are routed like any other.
     * {@code allow} is {@code admin.allow}: who may read the pages other than /healthz.
     */
    AdminEndpoints(boolean enabled, List<AddressRange> allow, GatewayMetrics metrics,
                   Function<Boolean, GatewayStatus> status, Operations operations) {
        this.enabled = enabled;
        this.allow = List.copyOf(allow);
        this.metrics = metrics;
        this.status = status;
        this.operations = operations;
    }

    /**
     * Whether {@code client} may read the page {@code head} asks for. /healthz answers anyone, since
     * load balancers probe it from elsewhere; metrics and status (which lists client addresses)
     * only the ranges in admin.allow, loopback by default.
     */
    public boolean allows(RequestHead head, InetAddress client) {
        return head.path().equals("/healthz") || allow.stream().anyMatch(r -> r.contains(client)) && !crossSite(head);
    }

    /**
     * A drain or reload posted by a web page of another origin: a page on a host in admin.allow
     * (any site the operator's browser has open) can send a plain POST to the gateway, and the
     * browser says where it came from in Origin. Tools such as curl send no Origin and are let
     * through; the gateway's own page sends these requests from its own origin, if ever.
     */
    private static boolean crossSite(RequestHead head) {
        if (!head.method().equals("POST")) {
            return false;
        }
        var origin = head.headers().first("Origin");
        if (origin.isEmpty()) {
            return false;
        }
        String host = head.headers().first("Host").orElse("");
        String o = origin.get();
        int scheme = o.indexOf("://");
        return scheme < 0 || !o.substring(scheme + 3).equalsIgnoreCase(host);
    }

    public boolean handles(RequestHead head) {
        boolean read = head.method().equals("GET") || head.method().equals("HEAD");
        return enabled
                && (read && (PATHS.contains(head.path()) || isPageRequest(head))
                        || head.method().equals("POST") && ACTIONS.contains(head.path()))
                // a WebSocket upgrade is always routed; any other (h2c, which the JDK's HttpClient
                // offers on every plain request) is ignored, as RFC 9110 section 7.8 allows
                && !UpgradeRequestCheck.asksForWebSocket(head.headers());
    }

    /**
     * A browser asking for {@code /}: it says it takes HTML. Anything else asking for {@code /}
     * without an upgrade is a WebSocket client that forgot one, and gets its 426 from the route.
     */
    private static boolean isPageRequest(RequestHead head) {
        return head.path().equals("/")
                && head.headers().first("Accept").map(a -> a.contains("text/html")).orElse(false);
    }

    public ByteBuffer respond(RequestHead head) {
        if (head.path().equals("/healthz") && operations.draining()) {
            // load balancers read 503 as "send no more": the gateway is going
            return page(head, 503, "Service Unavailable", "text/plain; charset=utf-8", "draining\n");
        }
        return switch (head.path()) {
            case "/healthz" -> page(head, "text/plain; charset=utf-8", "ok\n");
            case "/metrics" -> page(head, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            case "/status" -> page(head, "application/json", json(status.apply(false)));
            case "/status/tunnels" -> page(head, "application/json", json(status.apply(true).tunnelList()));
            case "/drain" -> {
                operations.drain();
                yield page(head, 202, "Accepted", "text/plain; charset=utf-8", "draining\n");
            }
            case "/reload" -> reload(head);
            default -> page(head, "text/html; charset=utf-8", statusPage());
        };
    }

    private ByteBuffer reload(RequestHead head) {
        try {
            return page(head, "text/plain; charset=utf-8", operations.reload() + "\n");
        } catch (ConfigException refused) {
            // the file is what is wrong, not the request; the old configuration stays in force
            return page(head, 409, "Conflict", "text/plain; charset=utf-8", "reload refused: " + refused.getMessage() + "\n");
        }
    }

    private static String statusPage() {
        try (InputStream in = AdminEndpoints.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status is plain records and always serialises", e);
        }
    }

    private static ByteBuffer page(RequestHead request, String type, String text) {
        return page(request, 200, "OK", type, text);
    }

    private static ByteBuffer page(RequestHead request, int status, String reason, String type, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer head = new ResponseHead(HttpVersion.HTTP_1_1, status, reason, Headers.of(List.of(
                new HeaderField("Content-Type", type),
                new HeaderField("Content-Length", Integer.toString(body.length)),
                new HeaderField("Cache-Control", "no-store"),
                new HeaderField("Connection", "close")))).render();
        int bodyLength = request.method().equals("HEAD") ? 0 : body.length;
        return ByteBuffer.allocate(head.remaining() + bodyLength).put(head).put(body, 0, bodyLength).flip();
    }
}
