package dev.anchor.conformance;

import static dev.anchor.conformance.Basis.design;
import static dev.anchor.conformance.Basis.must;
import static dev.anchor.conformance.Basis.open;
import static dev.anchor.conformance.Basis.should;
import static dev.anchor.conformance.Capability.ADMIN_ALLOW;
import static dev.anchor.conformance.Capability.DRAIN;
import static dev.anchor.conformance.Capability.HEALTH_CHECKS;
import static dev.anchor.conformance.Capability.RELOAD;
import static dev.anchor.conformance.Capability.HEAD_LIMITS;
import static dev.anchor.conformance.Capability.HEAD_TIMEOUT;
import static dev.anchor.conformance.Capability.HEALTHZ;
import static dev.anchor.conformance.Capability.HEARTBEAT;
import static dev.anchor.conformance.Capability.IDLE_TIMEOUT;
import static dev.anchor.conformance.Capability.JAVA_PROVIDER;
import static dev.anchor.conformance.Capability.METRICS;
import static dev.anchor.conformance.Capability.SOURCE_POOL;
import static dev.anchor.conformance.Capability.STATUS;
import static dev.anchor.conformance.Capability.TCP_OPTIONS;
import static dev.anchor.conformance.Capability.TLS;
import static dev.anchor.conformance.Capability.TUNNEL_BUFFER;
import static dev.anchor.conformance.Capability.WRITE_TIMEOUT;
import static dev.anchor.conformance.Strength.REQUIRED;
import static dev.anchor.conformance.Strength.STOCHASTIC;

import java.util.EnumSet;
import java.util.Set;

/**
 * The catalogue: every rule a gateway is held to, with its id, its strength, what it rests on (an
 * RFC section or a design choice), one sentence, and the capabilities it needs beyond relaying
 * WebSockets. The tests in {@code rules/} each name one of these; the docs render this list and
 * the conformance matrix.
 */
public enum Rule {
    // tag::catalogue[]
    // SETUP: the adapter and the basics work, so later failures are about protocol, not wiring
    SETUP_01(REQUIRED, design("the suite's precondition: the gateway takes its configuration and listens"),
            "the gateway starts from a configuration and accepts connections on its listen address (over TLS, completing the handshake)"),
    SETUP_02(REQUIRED, must("RFC 6455 §4 and RFC 9110 §7.8: a relayed upgrade ends in a working WebSocket"),
            "a WebSocket client completes one echo round trip through the gateway"),
    SETUP_03(REQUIRED, design("load balancers need a health check that costs no backend connection"),
            "GET /healthz is answered 200 by the gateway itself (an offer of h2c ignored), without opening a backend connection", HEALTHZ),
    SETUP_04(REQUIRED, design("Anchor's status endpoint"),
            "GET /status answers JSON that names the implementation and counts its connections", STATUS),
    SETUP_05(REQUIRED, design("Anchor's metrics endpoint"),
            "GET /metrics answers the Prometheus text format with the anchor_ metrics", METRICS),
    SETUP_06(REQUIRED, design("a stopped gateway leaves nothing open"),
            "after close() the listen port refuses connections and every tunnel, half-closed ones too, is closed"),
    SETUP_07(REQUIRED, design("who may read a gateway's internals is configured, not assumed"),
            "/metrics and /status answer 403 to a client outside admin.allow, while /healthz answers everyone", HEALTHZ, STATUS, METRICS, ADMIN_ALLOW),
    SETUP_08(STOCHASTIC, design("a gateway can be stopped at any instant"),
            "close() at any instant (accepts, dials, handshakes, tunnels, pings and goodbyes half way) returns within 10 s and leaves no connection open and every count at zero", HEARTBEAT),

    // UPG: the opening handshake is forwarded and answered by the backend, never invented
    UPG_01(REQUIRED, must("RFC 6455 §4.1 and §4.2.2: the client checks the backend's Sec-WebSocket-Accept, so it must arrive as sent; RFC 9110 §7.6"),
            "a valid upgrade reaches the backend, and the backend's 101 with its Sec-WebSocket-Accept reaches the client"),
    UPG_02(REQUIRED, design("RFC 9110 §7.8 and §15.2.2: only the server that switches protocols sends 101, so the gateway must not speak first"),
            "the client receives no byte of a response before the backend has sent its 101"),
    UPG_03(REQUIRED, must("RFC 9110 §7.6: an intermediary forwards the response it received"),
            "a non-101 answer reaches the client with its status, end-to-end fields and body unchanged"),
    UPG_04(REQUIRED, open("RFC 6455 §4.1 makes the client fail such a connection; Anchor, the backend's client, fails it before the client sees it"),
            "a 101 whose Sec-WebSocket-Accept does not answer the client's key becomes 502, and no tunnel opens", STATUS),
    UPG_05(REQUIRED, must("RFC 9110 §7.6.1: a proxy removes the fields its received Connection names, and Connection itself"),
            "fields named in Connection and the standard hop-by-hop fields are not forwarded to the backend"),
    UPG_06(REQUIRED, must("RFC 9110 §7.6.1: Connection is a list of case-insensitive options"),
            "Connection is read as a token list: 'keep-alive, Upgrade' in any letter case upgrades"),
    UPG_07(REQUIRED, open("RFC 7239 defines Forwarded but no intermediary must add it; X-Forwarded-* are conventions"),
            "X-Forwarded-For gets the client address appended; X-Forwarded-Proto and Forwarded are added, with the scheme the client used (https over TLS)"),
    UPG_08(REQUIRED, must("RFC 6455 §4.1 and §11.3.4: the subprotocol is chosen end to end; RFC 9110 §7.6 forwards end-to-end fields"),
            "offered subprotocols reach the backend and the backend's choice reaches the client"),
    UPG_09(REQUIRED, must("RFC 9110 §5.3 and §7.6: end-to-end fields are forwarded, and the order of same-name fields is kept"),
            "end-to-end fields (Origin, Cookie, Authorization, Sec-WebSocket-Extensions, custom) reach the backend unchanged and in order"),
    UPG_10(REQUIRED, must("RFC 9112 §3.2.1 and §3.2.2: a request to an origin server is sent in origin form, and an absolute-form target's authority replaces Host"),
            "the request target, path and query, reaches the backend unchanged; an absolute-form target arrives in origin form with its authority as Host"),
    UPG_11(REQUIRED, must("RFC 9110 §3.7: past the 101 the gateway is a tunnel, a blind relay that changes nothing"),
            "frames the backend sends in the same segment as its 101 reach the client"),
    UPG_12(STOCHASTIC, open("the RFCs do not say whether bytes behind an upgrade request may go ahead of the 101; Anchor holds them so a refused upgrade forwards nothing"),
            "bytes the client sends behind its request head reach the backend only after its 101, and never if it refuses", STATUS),
    UPG_13(REQUIRED, must("RFC 9112 §2 reads a message from a byte stream; TCP segment boundaries carry no meaning (RFC 9293 §3.8)"),
            "a request head arriving one byte per segment is handled as if it arrived whole"),
    UPG_14(REQUIRED, must("RFC 9112 §2 reads a message from a byte stream; TCP segment boundaries carry no meaning (RFC 9293 §3.8)"),
            "a response head arriving one byte per segment is handled as if it arrived whole"),
    UPG_15(REQUIRED, design("a pool of backends exists so that one refusing member does not refuse the client"),
            "a backend that refuses the connection is passed over for the next one in the pool"),
    UPG_16(REQUIRED, must("RFC 9110 §7.6 and RFC 6455 §4.2.2: the 101's end-to-end fields belong to the client"),
            "the end-to-end fields of the backend's 101 (Set-Cookie, Sec-WebSocket-Protocol) reach the client"),
    UPG_17(REQUIRED, must("RFC 9110 §15.2: a proxy MUST forward 1xx responses unless it asked for them itself"),
            "a 1xx interim answer of the backend reaches the client, and the handshake then completes", STATUS),

    // TUN: after 101, bytes both ways, unchanged, in order, bounded, with TCP's endings kept
    TUN_01(REQUIRED, must("RFC 9110 §3.7: past the 101 the gateway is a tunnel, a blind relay that changes nothing"),
            "10,000 messages of random size (0 B to 1 MiB), text and binary, whole and fragmented, echo unchanged"),
    TUN_02(REQUIRED, must("RFC 9110 §3.7: past the 101 the gateway is a tunnel, a blind relay that changes nothing"),
            "frames at every payload-length boundary (0, 125, 126, 65535, 65536 bytes) pass byte for byte both ways"),
    TUN_03(REQUIRED, must("RFC 9110 §3.7: past the 101 the gateway is a tunnel, a blind relay that changes nothing"),
            "a 16 MiB frame passes byte for byte both ways"),
    TUN_04(REQUIRED, must("RFC 9110 §3.7: past the 101 the gateway is a tunnel, a blind relay that changes nothing"),
            "bytes arrive unchanged and in order in both directions under any TCP chopping"),
    TUN_05(REQUIRED, open("RFC 9110 §9.3.6 lets a tunnel close both connections once either side closes; Anchor keeps the open direction, as TCP allows (RFC 9293 §3.6)"),
            "when the client half-closes, the backend sees EOF and the backend-to-client direction keeps flowing"),
    TUN_06(REQUIRED, open("RFC 9110 §9.3.6 lets a tunnel close both connections once either side closes; Anchor keeps the open direction, as TCP allows (RFC 9293 §3.6)"),
            "when the backend half-closes, the client sees EOF and the client-to-backend direction keeps flowing"),
    TUN_07(REQUIRED, open("no RFC says how a relay passes an abort; Anchor passes it as an abort so the other side knows bytes were lost"),
            "a reset from the client aborts the backend leg with a reset"),
    TUN_08(REQUIRED, open("no RFC says how a relay passes an abort; Anchor passes it as an abort so the other side knows bytes were lost"),
            "a reset from the backend aborts the client leg with a reset"),
    TUN_09(REQUIRED, must("RFC 9110 §3.7: past the 101 the gateway is a tunnel, a blind relay that changes nothing"),
            "the close handshake passes both ways with its code and reason unchanged"),
    TUN_10(REQUIRED, must("RFC 9110 §9.3.6: a tunnel MUST attempt to send the outstanding data that came from the closed side"),
            "bytes a peer sends just before its FIN arrive in full before the FIN is passed on"),
    TUN_11(REQUIRED, design("a gateway's memory per tunnel must be bounded, or one slow reader takes the node down"),
            "while the client reads nothing, the gateway holds at most 1 MiB of a 256 MiB stream, and delivers all of it once the client reads"),
    TUN_12(REQUIRED, design("a gateway's memory per tunnel must be bounded, or one slow reader takes the node down"),
            "while the backend reads nothing, the gateway holds at most 1 MiB of a 256 MiB stream, and delivers all of it once the backend reads"),
    TUN_13(REQUIRED, design("a tunnel nobody uses must not hold its connections for ever"),
            "a tunnel silent in both directions for timeouts.idle is closed on both legs", IDLE_TIMEOUT),
    TUN_14(STOCHASTIC, design("an idle timeout that fires on a live one-way stream cuts off every feed-style WebSocket"),
            "a tunnel with traffic in one direction only is not idle", IDLE_TIMEOUT, STATUS),
    TUN_15(REQUIRED, must("RFC 9110 §3.7: past the 101 the gateway is a tunnel, a blind relay that changes nothing"),
            "Ping and Pong frames of the endpoints pass through untouched in both directions"),
    TUN_16(REQUIRED, design("a finished tunnel leaves nothing open"),
            "once both directions are done the gateway closes both connections and its counts return to zero"),
    TUN_17(STOCHASTIC, design("the head and handshake deadlines end with the handshake"),
            "a tunnel quiet for longer than timeouts.head and timeouts.handshake, but not timeouts.idle, stays open", IDLE_TIMEOUT, HEAD_TIMEOUT),
    TUN_18(REQUIRED, design("an operator must tell a clean end from a crash"),
            "the close-reason metric tells a reset from an orderly end, and counts completed only after a close handshake the gateway saw (ping mode); other orderly ends count under the side that ended first", METRICS, HEARTBEAT),

    // ERR: bad input gets the right status, and costs nothing afterwards
    ERR_01(REQUIRED, should("RFC 9112 §3: a recipient of an invalid request-line SHOULD respond 400 (or 301)"),
            "a malformed request line gets 400", HEARTBEAT),
    ERR_02(REQUIRED, must("RFC 9112 §5.1 (whitespace before the colon: 400) and §5.2 (obs-fold: reject, or replace); refusing a bare LF is Anchor's choice (§2.2 allows it)"),
            "a malformed field line (space before colon, obs-fold, bare LF) gets 400"),
    ERR_03(REQUIRED, open("RFC 6455 §4.1 requires GET for an upgrade; answering 405 rather than forwarding is Anchor's choice"),
            "an upgrade with a method other than GET gets 405 with 'Allow: GET'"),
    ERR_04(REQUIRED, open("a gateway may forward a plain GET; Anchor serves only WebSockets on its routes and says so with 426 (RFC 9110 §15.5.22)"),
            "a GET without upgrade on a routed path gets 426 with 'Upgrade: websocket'"),
    ERR_05(REQUIRED, open("RFC 6455 §4.4 binds the server, which the backend may be; Anchor answers for it"),
            "a Sec-WebSocket-Version other than 13 gets 426 with 'Sec-WebSocket-Version: 13'"),
    ERR_06(REQUIRED, open("RFC 6455 §4.2.1 binds the server, which the backend may be; Anchor answers for it"),
            "a missing or malformed Sec-WebSocket-Key gets 400"),
    ERR_07(REQUIRED, open("RFC 9112 §3 (414) and RFC 6585 §5 (431) leave the limits and the choice of status to the server"),
            "a head over limits.head-bytes gets 431, a request line over it 414", HEAD_LIMITS),
    ERR_08(REQUIRED, design("a gateway must bound how long a request head may take, or a slow client holds a connection for ever (RFC 9110 §15.5.9 names 408)"),
            "a head not complete within timeouts.head gets 408, even while bytes trickle in", HEAD_TIMEOUT, STATUS),
    ERR_09(REQUIRED, design("RFC 9110 §15.6.3: 502 is the status for a gateway whose upstream failed"),
            "when every backend refuses the connection the client gets 502"),
    ERR_10(REQUIRED, design("RFC 9110 §15.6.5: 504 is the status for a gateway whose upstream did not answer in time"),
            "when the connect to the backend times out the client gets 504"),
    ERR_11(REQUIRED, design("a path no route serves is not found (RFC 9110 §15.5.5)"),
            "a path that no route matches gets 404"),
    ERR_12(REQUIRED, design("RFC 9110 §15.6.3: 502 is the status for a gateway whose upstream failed"),
            "a backend that closes without answering gives the client 502"),
    ERR_13(REQUIRED, design("RFC 9110 §15.6.3: 502 is the status for a gateway whose upstream answered invalidly"),
            "a backend answer that is not HTTP gives the client 502"),
    ERR_14(REQUIRED, design("RFC 9110 §15.6.5: 504 is the status for a gateway whose upstream did not answer in time"),
            "a backend that does not answer within timeouts.handshake gives the client 504"),
    ERR_15(REQUIRED, must("RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host"),
            "an HTTP/1.1 request without Host gets 400"),
    ERR_16(REQUIRED, should("RFC 9110 §15.6.6 and §2.5: a server that refuses the major version answers 505"),
            "a request in an HTTP version other than 1.x gets 505"),
    ERR_17(REQUIRED, design("a client that leaves early costs nothing"),
            "a client that disconnects in the middle of its head costs nothing: the counts return to zero"),
    ERR_18(REQUIRED, design("no input breaks a gateway"),
            "random bytes never break the gateway: it answers 400 or closes, and serves the next client", HEALTHZ, HEAD_TIMEOUT),
    ERR_19(REQUIRED, open("RFC 9112 §9.3 allows keeping a connection after an error response; Anchor closes it, so a refused client holds nothing"),
            "after every refusal (400, 404, 405, 414, 426, 431, 502, 505) the connection is closed and the gateway holds nothing"),
    ERR_20(REQUIRED, design("RFC 9110 §15.6.3: 502 is the status for a gateway whose upstream failed"),
            "a backend that resets the connection during the handshake gives the client 502"),
    ERR_21(REQUIRED, open("RFC 3986 §5.2.4 lets a server resolve dot-segments; Anchor refuses them so no backend sees a path it did not route"),
            "a request path with a '.' or '..' segment, even percent-encoded, gets 400 and reaches no backend"),
    ERR_22(REQUIRED, open("RFC 9112 §6.3: such a message ought to be handled as an error, or forwarded without its Content-Length; Anchor answers 502"),
            "a backend answer framed two ways (Transfer-Encoding and Content-Length) gives the client 502"),
    ERR_23(REQUIRED, must("RFC 9110 §7.2 and RFC 9112 §3.2: a server MUST answer 400 to a Host field with an invalid value"),
            "a Host field, or an absolute-form target's authority, that is not host[:port] gets 400 and reaches no backend; valid ones of every form upgrade"),

    // ISO: tunnels are independent
    ISO_01(REQUIRED, design("tunnels are independent"),
            "50 concurrent tunnels each receive exactly their own messages"),
    ISO_02(REQUIRED, design("tunnels are independent"),
            "for any interleaving of sends across tunnels, each tunnel receives exactly its own sequence, in order"),
    ISO_03(REQUIRED, design("tunnels are independent"),
            "resetting one tunnel leaves the others intact", STATUS),
    ISO_04(REQUIRED, design("tunnels are independent: one slow reader holds up nobody else"),
            "a tunnel whose client has stopped reading does not hold up the others"),
    ISO_05(REQUIRED, design("tunnels are independent: bytes never cross from one to another"),
            "on one event loop, tunnels that end (by protocol error, heartbeat death or an ordinary close) while bytes wait toward a slow peer deliver that peer exactly its own bytes, then its Close where the stream stands between frames, then FIN; no peer receives another tunnel's byte", HEARTBEAT, STATUS, METRICS),

    // HB: dead and half-open peers are found, and the stream is never disturbed finding them
    HB_01(REQUIRED, design("a peer that is gone must be found without waiting for TCP (RFC 6455 §5.5.2 Ping; §7.4.1 1001)"),
            "in ping mode a client that keeps TCP open but never answers is closed within interval + timeout (+1 s); the backend receives Close 1001, then FIN", HEARTBEAT),
    HB_02(REQUIRED, design("a peer that is gone must be found without waiting for TCP (RFC 6455 §5.5.2 Ping; §7.4.1 1001)"),
            "in ping mode a backend that keeps TCP open but never answers is closed within interval + timeout (+1 s); the client receives Close 1001, then FIN", HEARTBEAT),
    HB_03(STOCHASTIC, design("a heartbeat costs nothing where traffic proves the peer alive"),
            "a tunnel whose legs keep talking is never pinged", HEARTBEAT, METRICS),
    HB_04(REQUIRED, design("RFC 6455 §5.5.3: a Pong answers the Ping's sender; the gateway's own must not reach an endpoint that never pinged"),
            "Pongs that answer the gateway's Pings never reach the other side; the endpoints' own Pings and Pongs always do, byte for byte", HEARTBEAT),
    HB_05(REQUIRED, must("RFC 6455 §5.5 (control frames at most 125 bytes, never fragmented) and §5.1 (masked toward a server, never toward a client)"),
            "the gateway's Pings are whole frames of at most 125 bytes, unmasked toward the client and masked toward the backend", HEARTBEAT),
    HB_06(REQUIRED, must("RFC 6455 §5.4: control frames may come between fragments, never inside a frame"),
            "a Ping is never put inside a frame: a 16 MiB frame in small segments, and a fragmented message with control frames between its fragments, arrive intact", HEARTBEAT),
    HB_07(REQUIRED, must("RFC 6455 §5.4 and §5.5: only whole control frames may be added to a stream"),
            "for random frames, random TCP chopping and heartbeats at random moments, the far side receives exactly the frames sent, plus only whole Pings", HEARTBEAT),
    HB_08(STOCHASTIC, design("off mode is a plain tunnel: it adds nothing, and the idle timeout still guards it"),
            "in off mode the tunnel stays byte for byte transparent however long it is quiet, and the idle timeout still closes it", IDLE_TIMEOUT),
    HB_09(REQUIRED, design("a peer that takes nothing must not hold the gateway's memory for ever"),
            "a peer that takes none of the bytes the gateway holds for it for timeouts.write is dropped, and both legs close", WRITE_TIMEOUT),
    HB_10(REQUIRED, must("RFC 6455 §7.1.7 and §7.4.1: a forbidden frame fails the connection with 1002; the other side is told 1001"),
            "in ping mode a frame RFC 6455 forbids ends the tunnel: its sender gets Close 1002, the other side Close 1001", HEARTBEAT),
    HB_11(STOCHASTIC, must("RFC 6455 §5.5.1: after a Close an endpoint sends no more data frames, and the gateway speaks for it"),
            "once an endpoint has sent Close, the gateway sends no more Pings", HEARTBEAT, STATUS),
    HB_12(REQUIRED, design("a half-open peer must be found (RFC 6455 §5.5.2; RFC 9293 §3.8.4 keepalive)"),
            "a peer whose packets vanish (no FIN, no RST) is found by heartbeats within interval + timeout, and by TCP keepalive alone within its probes' time", HEARTBEAT, TCP_OPTIONS, JAVA_PROVIDER),
    HB_13(REQUIRED, design("an option the gateway cannot honour is refused, not ignored"),
            "TCP_USER_TIMEOUT is honoured where the implementation can set it, and refused at start, naming the key, where it cannot", TCP_OPTIONS),
    HB_14(STOCHASTIC, design("a half-closed tunnel's silent side is not dead"),
            "in ping mode a half-closed tunnel keeps its open direction: no Ping follows a FIN, and neither leg is declared dead for its silence", HEARTBEAT, STATUS, METRICS),
    HB_15(REQUIRED, design("RFC 6455 §7.1.5 and §7.4.1: 1006 is never sent, so a vanished peer is reported as 1001"),
            "in ping mode a backend that ends its stream without a Close, by FIN or by RST, reaches the client as Close 1001 at a frame boundary, then FIN, and is counted as backend_ended or backend_reset", HEARTBEAT, METRICS),
    HB_16(REQUIRED, design("RFC 6455 §7.1.5 and §7.4.1: 1006 is never sent, so a vanished peer is reported as 1001"),
            "in ping mode a client that ends its stream without a Close, by FIN or by RST, reaches the backend as Close 1001 at a frame boundary, then FIN, and is counted as client_ended or client_reset", HEARTBEAT, METRICS),
    HB_17(STOCHASTIC, design("silence the gateway caused by backpressure is not a dead peer"),
            "in ping mode a leg the gateway stops reading because the other side reads slowly is not declared dead for the silence that causes, and every byte arrives once the reader reads", HEARTBEAT, WRITE_TIMEOUT, STATUS, METRICS),

    // CAP: the gateway owns its source ports, knows its capacity and refuses before the kernel does
    CAP_01(REQUIRED, design("every upstream connection is a 4-tuple the gateway allocates and counts"),
            "with 2 source addresses x 4 ports x 3 backends exactly 24 tunnels open, each upstream from a configured (address, port), no 4-tuple twice", SOURCE_POOL, STATUS, METRICS),
    CAP_02(REQUIRED, design("every upstream connection is a 4-tuple the gateway allocates and counts"),
            "the tunnel past capacity gets 503 with Retry-After from the gateway, counted as reason=capacity, and no backend sees a connection for it", SOURCE_POOL, STATUS, METRICS),
    CAP_03(REQUIRED, design("every upstream connection is a 4-tuple the gateway allocates and counts"),
            "at capacity, closing one tunnel lets exactly one more in", SOURCE_POOL, STATUS, METRICS),
    CAP_04(REQUIRED, design("every upstream connection is a 4-tuple the gateway allocates and counts"),
            "after tunnels end by close, by reset and by heartbeat death, every slot is free again", SOURCE_POOL, STATUS, METRICS, HEARTBEAT),
    CAP_05(REQUIRED, design("every upstream connection is a 4-tuple the gateway allocates and counts"),
            "a backend whose slots are all taken is passed over for another of the route that has a free one", SOURCE_POOL, STATUS, METRICS),
    CAP_06(REQUIRED, design("every upstream connection is a 4-tuple the gateway allocates and counts"),
            "a pair the kernel refuses (another socket holds it) is set aside, counted, and the tunnel opens from another pair", SOURCE_POOL, STATUS, METRICS),
    CAP_07(REQUIRED, design("every upstream connection is a 4-tuple the gateway allocates and counts"),
            "/status and /metrics show per backend endpoint the capacity, in use, free and set aside, adding up, with the formula sources x ports", SOURCE_POOL, STATUS, METRICS),
    CAP_08(REQUIRED, design("every upstream connection is a 4-tuple; the kernel's refusal is counted"),
            "in kernel mode, when the kernel's ephemeral range runs out (4 ports, in a network namespace of the test's own), the client gets 503, the kernel's refusal is counted, and another backend still takes all 4 ports", JAVA_PROVIDER, STATUS, METRICS),
    CAP_09(REQUIRED, design("a source address the host does not have can never connect"),
            "a pool source address this host does not have is refused at start, naming upstream.addresses and the address, before any connection", SOURCE_POOL),

    // DRAIN: a gateway that stops, or asks a tunnel to go, tells its endpoints and gives them time
    DRAIN_01(REQUIRED, design("RFC 6455 §7.4.1: 1001 means going away; a rolling deploy must not be a storm of 1006s"),
            "a drain in ping mode gives every client a Close 1001 before its FIN, and every backend a Close too", HEARTBEAT, DRAIN),
    DRAIN_02(STOCHASTIC, design("clients told to go at the same moment come back at the same moment"),
            "the Closes of a drain arrive spread over drain.spread, not at once, and all within it", HEARTBEAT, DRAIN),
    DRAIN_03(REQUIRED, design("a drain has a deadline, whatever the peers do"),
            "a drain is over by drain.timeout even when a client ignores its Close or a frame never ends, and then nothing is left open", HEARTBEAT, DRAIN),
    DRAIN_04(REQUIRED, design("a load balancer stops sending to a gateway whose health check fails"),
            "during a drain /healthz answers 503 and a new upgrade is refused 503 with Retry-After, reaching no backend, while live tunnels carry on", HEALTHZ, DRAIN),
    DRAIN_05(REQUIRED, open("a gateway that does not follow frames cannot place a Close; Anchor lets such tunnels run as long as the drain allows, then ends them with FIN"),
            "in off mode a drain sends no Close frame and changes no byte of a live tunnel, and ends it with FIN on both legs within the last drain.spread before drain.timeout", DRAIN),
    DRAIN_06(REQUIRED, must("RFC 6455 §5.2 and §5.4: a frame is whole, and a control frame may only come between frames"),
            "a tunnel inside a frame when it is asked to go gets its Close only after that frame has passed whole", HEARTBEAT, DRAIN),
    DRAIN_07(REQUIRED, design("long-lived connections rebalance onto new backends (Envoy's max_connection_duration)"),
            "a tunnel gets a Close 1001 on both legs between 90% and 100% of tunnel.max-lifetime", HEARTBEAT, DRAIN),

    // RELOAD: a new configuration reaches new connections and leaves live tunnels alone
    RELOAD_01(REQUIRED, design("a reload that drops tunnels is a restart (landscape: pains 4, 5 and 13)"),
            "a reload that changes the routes leaves every live tunnel's bytes flowing, byte for byte, and new tunnels take the new routes", RELOAD),
    RELOAD_02(REQUIRED, design("a bad configuration is refused with its key named, and the old one keeps serving"),
            "a reload the gateway cannot apply is refused naming the key, and the configuration in force keeps serving", TUNNEL_BUFFER, RELOAD),
    RELOAD_03(REQUIRED, design("a removed backend is drained when asked, never cut"),
            "a backend a reload removes takes no new tunnel; its live tunnels stay, or get a Close 1001 after drain.timeout with reload.drain-removed", HEARTBEAT, DRAIN, RELOAD),
    RELOAD_04(REQUIRED, design("every upstream connection is a 4-tuple the gateway allocates and counts"),
            "across reloads that remove and add back a backend with live tunnels, no source pair is handed out twice", SOURCE_POOL, STATUS, RELOAD),

    // HEALTH: a backend that fails is skipped, and all down is answered at once
    HEALTH_01(REQUIRED, design("nginx's max_fails and fail_timeout; HAProxy's observe"),
            "a backend whose connect failed gets no connection for health.passive.down-for, and the others serve every client", HEALTH_CHECKS),
    HEALTH_02(REQUIRED, design("a client should not wait a connect timeout per backend that is known to be down"),
            "when every backend of a route is down an upgrade is refused 503 with Retry-After at once, and no connection is attempted", HEALTH_CHECKS),
    HEALTH_03(REQUIRED, design("HAProxy's check with rise and fall"),
            "an active probe marks a backend down after health.active.fall failures and up after health.active.rise passes; a down backend is skipped", STATUS, HEALTH_CHECKS),
    HEALTH_04(REQUIRED, design("an open port is not a working WebSocket server"),
            "an upgrade probe passes only on a 101 that answers its key: a backend that accepts TCP but refuses the upgrade is marked down", STATUS, HEALTH_CHECKS),
    HEALTH_05(REQUIRED, design("HAProxy's on-marked-down shutdown-sessions, with a Close instead of a cut"),
            "with health.close-tunnels-on-down, the tunnels of a backend marked down get a Close 1001 on both legs", HEARTBEAT, DRAIN, HEALTH_CHECKS),

    // TLS: a TLS listener speaks TLS only, with nothing old or broken, and ends what it ends with close_notify
    TLS_01(REQUIRED, must("RFC 8446 §5: a record of a type the implementation does not know (an HTTP request begins 0x47) MUST end the connection"),
            "a request in clear (an HTTP upgrade) sent to a TLS listener gets its connection closed within timeouts.head (+1 s), never a 101, and no backend sees it", TLS),
    TLS_02(REQUIRED, design("the handshake is part of the time a request head may take: a client that never finishes it is a slowloris on TLS"),
            "a client that opens TCP and never completes the TLS handshake (silent, part of a ClientHello, or a ClientHello trickling a byte per 100 ms) is closed within timeouts.head (+1 s)", TLS, HEAD_TIMEOUT),
    TLS_03(REQUIRED, must("RFC 8996 §2 and §3: TLS 1.0 and 1.1 MUST NOT be negotiated; RFC 7465 §2 (RC4), RFC 9325 §4.1 (NULL encryption) and RFC 5246 §A.5 (anonymous key exchange) forbid the suites"),
            "a ClientHello offering only TLS 1.0 or 1.1, or only anonymous, NULL or RC4 cipher suites, is refused with an alert or a close, while the same hello for TLS 1.2 with current suites is answered", TLS),
    TLS_04(REQUIRED, design("RFC 6066 §3 lets a server choose its certificate by the name the client sends; listen.tls with several certificates promises to, the first for a client that names none of them"),
            "with two certificates (a.test, b.test), SNI b.test gets b.test's, SNI a.test a.test's, and no SNI or an unknown name the first; a client checking the name it sent has a working tunnel", TLS),
    TLS_05(REQUIRED, must("RFC 8446 §6.1: each party MUST send a close_notify alert before closing its write side of the connection, unless it sent an error alert"),
            "every graceful end of a TLS stream sends close_notify before FIN: a tunnel whose backend closes, and a refusal (404, 400) the gateway answers itself", TLS);
    // end::catalogue[]

    private final Strength strength;
    private final Basis basis;
    private final String statement;
    private final Set<Capability> needs;

    Rule(Strength strength, Basis basis, String statement, Capability... needs) {
        this.strength = strength;
        this.basis = basis;
        this.statement = statement;
        this.needs = needs.length == 0 ? Set.of() : Set.copyOf(EnumSet.of(needs[0], needs));
    }

    /** {@code UPG-03}. */
    public String id() {
        return name().replace('_', '-');
    }

    /** {@code UPG}. */
    public String group() {
        return name().substring(0, name().indexOf('_'));
    }

    public Strength strength() {
        return strength;
    }

    public String statement() {
        return statement;
    }

    public Basis basis() {
        return basis;
    }

    /** What a target must declare for this rule to run on it. */
    public Set<Capability> needs() {
        return needs;
    }

    /** {@code UPG-03 required: a non-101 answer ...}: how a test shows up in every report. */
    public String title() {
        return id() + " " + strength.label() + ": " + statement;
    }
}
