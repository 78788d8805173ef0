package dev.anchor.core.gateway;

import dev.anchor.core.handshake.Answer;
import dev.anchor.core.handshake.BackendAnswer;
import dev.anchor.core.handshake.Rejection;
import dev.anchor.core.handshake.UpgradeRequestCheck;
import dev.anchor.core.handshake.UpstreamRequest;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.route.Backend;
import dev.anchor.core.route.Route;
import dev.anchor.core.route.Router;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The decisions of the opening handshake, shared by every implementation: what a request head
 * gets, what each failure on the way to the backend turns into, and what the backend's answer
 * becomes. The implementations only move the bytes; they never decide a status themselves, so
 * all three answer the same input the same way and count it under the same metric.
 */
public final class HandshakePolicy {
    private final Router router;
    private final AdminEndpoints admin;
    private final GatewayMetrics metrics;
    private final BooleanSupplier draining;
    private final ConnectionRegistry registry;
    /** What the client spoke to the gateway, for X-Forwarded-Proto: {@code https} on a TLS listener. */
    private final String scheme;

    HandshakePolicy(Router router, AdminEndpoints admin, GatewayMetrics metrics, BooleanSupplier draining,
                    ConnectionRegistry registry, String scheme) {
        this.scheme = scheme;
        this.router = router;
        this.admin = admin;
        this.metrics = metrics;
        this.draining = draining;
        this.registry = registry;
    }

    // tag::handshake-request[]
    public Decision onRequest(RequestHead head, InetSocketAddress client) {
        if (admin.handles(head)) {
            if (!admin.allows(head, client.getAddress())) {
                return reject(Rejection.of(403, head.path() + " answers only the addresses in admin.allow"
                        + (head.method().equals("POST") ? ", and no web page of another origin" : "")));
            }
            metrics.handshake("admin", 200);
            return new Decision.Reply(admin.respond(head));
        }
        Optional<Route> route = router.route(head.path());
        if (route.isEmpty()) {
            return reject(Rejection.of(404, "no route for " + head.path()));
        }
        Optional<Rejection> invalid = UpgradeRequestCheck.check(head);
        if (invalid.isPresent()) {
            return reject(invalid.get());
        }
        return forward(route.get(), head, client);
    }
    // end::handshake-request[]

    /**
     * A valid upgrade for {@code route}: the rewritten head and the backends to try, in the
     * balancer's order; unless the gateway is draining, or every backend of the route is down.
     */
    private Decision forward(Route route, RequestHead head, InetSocketAddress client) {
        if (draining.getAsBoolean()) {
            metrics.clientRefused("draining");
            return reject(Rejection.of(503, "the gateway is draining; connect again")
                    .with("Retry-After", Integer.toString(DRAINING_RETRY_AFTER_SECONDS)));
        }
        List<Backend> up = route.balancer().order(route.pool(), client).stream()
                .filter(b -> b.health().up())
                .toList();
        if (up.isEmpty()) {
            return reject(allDown(route));
        }
        RequestHead upstream = UpstreamRequest.of(head, client, scheme);
        return new Decision.Forward(route, up, upstream, upstream.render());
    }

    /** How long a client turned away by a drain is asked to wait: long enough for a balancer to notice. */
    static final int DRAINING_RETRY_AFTER_SECONDS = 5;

    // tag::all-down[]
    /**
     * Every backend of the route is marked down: 503 at once, with no SYN sent, rather than a
     * connect timeout per backend. Retry-After is when the first passive mark runs out; for
     * endpoints only probes hold down, the same guess as for a full pool.
     */
    private Rejection allDown(Route route) {
        metrics.clientRefused("all_backends_down");
        long seconds = route.pool().stream()
                .map(b -> b.health().downFor())
                .filter(d -> !d.isZero())
                .mapToLong(d -> (d.toMillis() + 999) / 1000)
                .min().orElse(CAPACITY_RETRY_AFTER_SECONDS);
        return Rejection.of(503, "every backend of route " + route.prefix() + " is down ("
                        + route.pool().stream().map(b -> b.name() + ": " + b.health().describe()).toList() + ")")
                .with("Retry-After", Long.toString(Math.max(1, seconds)));
    }
    // end::all-down[]

    /** The backend's response head has arrived. */
    public Answer onAnswer(Decision.Forward forward, ResponseHead response) {
        Answer answer = BackendAnswer.judge(forward.upstreamHead(), response);
        switch (answer) {
            case Answer.Switch s -> metrics.handshake("switched", 101);
            case Answer.PassOn r -> metrics.handshake("passed_on", r.status());
            case Answer.Refuse r -> metrics.handshake("rejected", r.rejection().status());
            case Answer.Interim i -> { }
        }
        return answer;
    }

    public ByteBuffer malformed(HeadParseException e) {
        return rejected(Rejection.of(e.status(), e.getMessage()));
    }

    public ByteBuffer headTimedOut() {
        return rejected(Rejection.of(408, "the request head did not arrive in time"));
    }

    /** How long a client refused for capacity is asked to wait; tunnels end when they end, so this is a guess. */
    static final int CAPACITY_RETRY_AFTER_SECONDS = 5;

    // tag::connect-failed[]
    /**
     * Every candidate failed. When each failure was a shortage of source ports (the gateway's pool
     * was full, or the kernel refused the pair), the gateway is at capacity: 503 with Retry-After,
     * counted as such. Otherwise 504 if any connect timed out, else 502.
     */
    public ByteBuffer connectFailed(List<ConnectFailure> failures) {
        if (!failures.isEmpty() && failures.stream().allMatch(ConnectFailure::isCapacity)) {
            metrics.clientRefused("capacity");
            return rejected(Rejection.of(503, "no free source port toward any backend of this route ("
                            + failures.stream().map(ConnectFailure::label).toList() + "); see /status for capacity")
                    .with("Retry-After", Integer.toString(CAPACITY_RETRY_AFTER_SECONDS)));
        }
        boolean timedOut = failures.contains(ConnectFailure.TIMED_OUT);
        return rejected(Rejection.of(timedOut ? 504 : 502,
                "no backend accepted a connection (" + failures.stream().map(ConnectFailure::label).toList() + ")"));
    }
    // end::connect-failed[]

    /** The backend took the connection and did not answer in time: 504, and the backend is down for a while. */
    public ByteBuffer handshakeTimedOut(Backend backend) {
        registry.handshakeTimedOut(backend);
        return rejected(Rejection.of(504, "the backend did not answer the handshake in time"));
    }

    public ByteBuffer backendClosedEarly() {
        return rejected(Rejection.of(502, "the backend closed the connection without answering"));
    }

    public ByteBuffer badResponse(HeadParseException e) {
        return rejected(Rejection.of(502, e.getMessage()));
    }

    public ByteBuffer refused(Answer.Refuse refuse) {
        return refuse.rejection().response();
    }

    private Decision reject(Rejection r) {
        return new Decision.Reply(rejected(r));
    }

    private ByteBuffer rejected(Rejection r) {
        metrics.handshake("rejected", r.status());
        return r.response();
    }
}
