package dev.anchor.conformance.selftest;

import dev.anchor.conformance.Rule;

/**
 * A bug planted in the {@link MiniGateway}, and the rule that must catch it. The suite's self-test
 * runs each rule against the mini gateway twice: without the bug it must pass, with it it must
 * fail by that rule's own assertion. A rule no bug here can fail is a rule nobody has shown can.
 */
// tag::bugs[]
public enum Bug {
    NONE(null, "none: the mini gateway as it should be"),

    EARLY_101(Rule.UPG_02, "answers 101 itself as soon as the request arrives, before the backend said anything"),
    TRUSTS_ACCEPT(Rule.UPG_04, "passes on a 101 whose Sec-WebSocket-Accept does not answer the client's key"),
    KEEPS_HOP_BY_HOP(Rule.UPG_05, "forwards the fields the client's Connection header named"),
    NO_FORWARDED_FOR(Rule.UPG_07, "leaves the client's address out of X-Forwarded-For and Forwarded"),
    LEAKS_EARLY_BYTES(Rule.UPG_12, "forwards what the client sent behind its head right behind the head, before any 101"),
    NO_RETRY(Rule.UPG_15, "gives up after the first backend that refuses the connection"),

    CLOSES_BOTH_ON_FIN(Rule.TUN_05, "closes both legs when one side half-closes, as nginx does"),
    FIN_FOR_RST(Rule.TUN_07, "passes a client's reset on to the backend as an orderly FIN"),
    FIN_FOR_BACKEND_RST(Rule.TUN_08, "passes a backend's reset on to the client as an orderly FIN"),
    DROPS_TAIL(Rule.TUN_10, "writes to the client through a buffer and closes without flushing it at the backend's FIN"),
    UNBOUNDED_BUFFER(Rule.TUN_11, "reads the backend as fast as it can into a queue, whatever the client takes"),
    NO_IDLE_TIMEOUT(Rule.TUN_13, "never closes a tunnel for being idle"),
    IDLE_ON_ONE_WAY(Rule.TUN_14, "counts only client-to-backend traffic as activity"),
    SWALLOWS_ENDPOINT_PINGS(Rule.TUN_15, "drops the endpoints' own Ping and Pong frames"),
    ALWAYS_COMPLETED(Rule.TUN_18, "counts every orderly end as completed, close handshake or not"),

    ANSWERS_MALFORMED(Rule.ERR_01, "answers a malformed request line with 200 instead of 400"),
    NO_HEAD_TIMEOUT(Rule.ERR_08, "waits for a request head as long as the client trickles it"),
    KEEPS_SOCKET_AFTER_REFUSAL(Rule.ERR_19, "keeps a refused client's connection open until the client closes it"),
    LAX_HOST(Rule.ERR_23, "puts any Host it cannot parse right instead of refusing it"),

    SHARES_BUFFERS(Rule.ISO_05, "gives a tunnel's read buffers back to a shared pool as the tunnel ends, while a write from them waits"),

    NEVER_PINGS(Rule.HB_01, "never pings, so it never finds a silent peer dead"),
    NO_CLOSE_ON_DEATH(Rule.HB_02, "ends a tunnel whose peer died with a bare FIN, no Close frame"),
    FORWARDS_OWN_PONG(Rule.HB_04, "lets the Pongs that answer its own Pings through to the other side"),
    PINGS_MID_FRAME(Rule.HB_06, "pings when a Ping is due, even in the middle of a frame"),
    NO_WRITE_TIMEOUT(Rule.HB_09, "waits for ever on a peer that takes none of the bytes it has for it"),
    PINGS_AFTER_CLOSE(Rule.HB_11, "keeps pinging the client after a Close went by"),
    PINGS_HALF_CLOSED(Rule.HB_14, "keeps judging a client that half-closed by its heartbeat, and kills the tunnel"),
    VANISHED_IS_COMPLETED(Rule.HB_15, "passes a backend's FIN on bare and counts the tunnel completed"),
    DEAD_WHILE_HELD(Rule.HB_17, "judges a leg by its heartbeat even while it does not read it, for backpressure"),

    IGNORES_POOL(Rule.CAP_01, "takes a slot from the pool but lets the kernel pick the source address and port"),
    CAPACITY_AS_502(Rule.CAP_02, "answers 502 when it has no source port left, instead of 503 with Retry-After"),
    LEAKS_SLOTS(Rule.CAP_04, "never gives a source slot back"),

    DRAIN_BARE_FIN(Rule.DRAIN_01, "drains by ending every tunnel with FIN both ways, with no Close frame"),
    DRAIN_AT_ONCE(Rule.DRAIN_02, "tells every tunnel to go the moment a drain begins, ignoring drain.spread"),
    DRAIN_WITHOUT_DEADLINE(Rule.DRAIN_03, "waits for the last tunnel to go, however long past drain.timeout"),
    HEALTHY_WHILE_DRAINING(Rule.DRAIN_04, "answers /healthz 200 during a drain"),
    OFF_MODE_FIN_AT_ONCE(Rule.DRAIN_05, "ends off-mode tunnels with FIN the moment a drain begins"),
    CLOSE_MID_FRAME(Rule.DRAIN_06, "writes its Close the moment it is asked to go, inside a frame or not"),
    NO_LIFETIME(Rule.DRAIN_07, "never ends a tunnel for its age"),
    RELOAD_RESTARTS(Rule.RELOAD_01, "reloads by closing every live tunnel, as a restart would"),
    HALF_APPLIES_RELOAD(Rule.RELOAD_02, "applies the routes of a reload it refuses, keeping only the start-only keys"),
    KEEPS_REMOVED_TUNNELS(Rule.RELOAD_03, "leaves the tunnels of a removed backend alone, reload.drain-removed or not"),
    IGNORES_HEALTH(Rule.HEALTH_01, "dials every backend of the route in order, down or not"),
    ALL_DOWN_DIALS(Rule.HEALTH_02, "dials the backends of a route all marked down, instead of answering 503 at once"),
    NO_PROBES(Rule.HEALTH_03, "never probes its backends"),
    TCP_PROBE_ONLY(Rule.HEALTH_04, "probes with a TCP connect when an upgrade probe is configured"),
    KEEPS_TUNNELS_ON_DOWN(Rule.HEALTH_05, "leaves the tunnels of a backend marked down alone, health.close-tunnels-on-down or not"),

    CLOSE_LEAVES_TUNNELS(Rule.SETUP_08, "stops accepting on close() but leaves the tunnels it has open"),
    FORWARDS_HEALTHZ(Rule.SETUP_03, "sends /healthz to a backend instead of answering it itself"),
    OPEN_ADMIN(Rule.SETUP_07, "shows /metrics and /status to any client, outside admin.allow too"),

    TLS_HANGS_ON_PLAINTEXT(Rule.TLS_01, "keeps a client that speaks HTTP in clear to its TLS listener open, waiting for a TLS record"),
    TLS_NO_HEAD_DEADLINE(Rule.TLS_02, "gives the TLS handshake no deadline: a client that never finishes it stays"),
    TLS_ALLOWS_1_1(Rule.TLS_03, "enables TLS 1.1 and 1.0 on its listener (in a JVM whose jdk.tls.disabledAlgorithms allows them)"),
    TLS_IGNORES_SNI(Rule.TLS_04, "presents its first certificate whatever name the client sends"),
    TLS_NO_CLOSE_NOTIFY(Rule.TLS_05, "ends a TLS stream by closing the TCP socket under it, with no close_notify");
    // end::bugs[]

    private final Rule caughtBy;
    private final String what;

    Bug(Rule caughtBy, String what) {
        this.caughtBy = caughtBy;
        this.what = what;
    }

    /** The rule that must fail against a mini gateway with this bug; null for {@link #NONE}. */
    public Rule caughtBy() {
        return caughtBy;
    }

    /** What the planted bug does, in a sentence. */
    public String what() {
        return what;
    }
}
