package dev.anchor.conformance;

import static dev.anchor.conformance.Strength.REQUIRED;
import static dev.anchor.conformance.Strength.STOCHASTIC;

/**
 * The catalogue: every rule a gateway is held to, with its id, its strength and one sentence. The
 * tests in {@code rules/} each name one of these; the docs render this list as the conformance
 * matrix.
 */
public enum Rule {
    // tag::catalogue[]
    // SETUP: the adapter and the basics work, so later failures are about protocol, not wiring
    SETUP_01(REQUIRED, "the gateway starts from a configuration and accepts TCP connections on its listen address"),
    SETUP_02(REQUIRED, "a WebSocket client completes one echo round trip through the gateway"),
    SETUP_03(REQUIRED, "GET /healthz is answered 200 by the gateway itself (an offer of h2c ignored), without opening a backend connection"),
    SETUP_04(REQUIRED, "GET /status answers JSON that names the implementation and counts its connections"),
    SETUP_05(REQUIRED, "GET /metrics answers the Prometheus text format with the anchor_ metrics"),
    SETUP_06(REQUIRED, "after close() the listen port refuses connections and every tunnel, half-closed ones too, is closed"),
    SETUP_07(REQUIRED, "/metrics and /status answer 403 to a client outside admin.allow, while /healthz answers everyone"),
    SETUP_08(STOCHASTIC, "close() at any instant (accepts, dials, handshakes, tunnels, pings and goodbyes half way) returns within 10 s and leaves no connection open and every count at zero"),

    // UPG: the opening handshake is forwarded and answered by the backend, never invented
    UPG_01(REQUIRED, "a valid upgrade reaches the backend, and the backend's 101 with its Sec-WebSocket-Accept reaches the client"),
    UPG_02(REQUIRED, "the client receives no byte of a response before the backend has sent its 101"),
    UPG_03(REQUIRED, "a non-101 answer reaches the client with status, end-to-end fields and body unchanged, then the connection closes"),
    UPG_04(REQUIRED, "a 101 whose Sec-WebSocket-Accept does not answer the client's key becomes 502, and no tunnel opens"),
    UPG_05(REQUIRED, "fields named in Connection and the standard hop-by-hop fields are not forwarded to the backend"),
    UPG_06(REQUIRED, "Connection is read as a token list: 'keep-alive, Upgrade' in any letter case upgrades"),
    UPG_07(REQUIRED, "X-Forwarded-For gets the client address appended; X-Forwarded-Proto and Forwarded are added"),
    UPG_08(REQUIRED, "offered subprotocols reach the backend and the backend's choice reaches the client"),
    UPG_09(REQUIRED, "end-to-end fields (Origin, Cookie, Authorization, Sec-WebSocket-Extensions, custom) reach the backend unchanged and in order"),
    UPG_10(REQUIRED, "the request target, path and query, reaches the backend unchanged; an absolute-form target arrives in origin form with its authority as Host"),
    UPG_11(REQUIRED, "frames the backend sends in the same segment as its 101 reach the client"),
    UPG_12(STOCHASTIC, "bytes the client sends behind its request head reach the backend only after its 101, and never if it refuses"),
    UPG_13(REQUIRED, "a request head arriving one byte per segment is handled as if it arrived whole"),
    UPG_14(REQUIRED, "a response head arriving one byte per segment is handled as if it arrived whole"),
    UPG_15(REQUIRED, "a backend that refuses the connection is passed over for the next one in the pool"),
    UPG_16(REQUIRED, "the end-to-end fields of the backend's 101 (Set-Cookie, Sec-WebSocket-Protocol) reach the client"),
    UPG_17(REQUIRED, "a 1xx interim answer of the backend reaches the client, and the handshake then completes"),

    // TUN: after 101, bytes both ways, unchanged, in order, bounded, with TCP's endings kept
    TUN_01(REQUIRED, "10,000 messages of random size (0 B to 1 MiB), text and binary, whole and fragmented, echo unchanged"),
    TUN_02(REQUIRED, "frames at every payload-length boundary (0, 125, 126, 65535, 65536 bytes) pass byte for byte both ways"),
    TUN_03(REQUIRED, "a 16 MiB frame passes byte for byte both ways"),
    TUN_04(REQUIRED, "bytes arrive unchanged and in order in both directions under any TCP chopping"),
    TUN_05(REQUIRED, "when the client half-closes, the backend sees EOF and the backend-to-client direction keeps flowing"),
    TUN_06(REQUIRED, "when the backend half-closes, the client sees EOF and the client-to-backend direction keeps flowing"),
    TUN_07(REQUIRED, "a reset from the client aborts the backend leg with a reset"),
    TUN_08(REQUIRED, "a reset from the backend aborts the client leg with a reset"),
    TUN_09(REQUIRED, "the close handshake passes both ways with its code and reason unchanged"),
    TUN_10(REQUIRED, "bytes a peer sends just before its FIN arrive in full before the FIN is passed on"),
    TUN_11(REQUIRED, "while the client reads nothing, the gateway holds at most 1 MiB of a 256 MiB stream, and delivers all of it once the client reads"),
    TUN_12(REQUIRED, "while the backend reads nothing, the gateway holds at most 1 MiB of a 256 MiB stream, and delivers all of it once the backend reads"),
    TUN_13(REQUIRED, "a tunnel silent in both directions for timeouts.idle is closed on both legs"),
    TUN_14(STOCHASTIC, "a tunnel with traffic in one direction only is not idle"),
    TUN_15(REQUIRED, "Ping and Pong frames of the endpoints pass through untouched in both directions"),
    TUN_16(REQUIRED, "once both directions are done the gateway closes both connections and its counts return to zero"),
    TUN_17(STOCHASTIC, "a tunnel quiet for longer than timeouts.head and timeouts.handshake, but not timeouts.idle, stays open"),
    TUN_18(REQUIRED, "the close-reason metric tells a reset from an orderly end, and counts completed only after a close handshake the gateway saw (ping mode); other orderly ends count under the side that ended first"),

    // ERR: bad input gets the right status, and costs nothing afterwards
    ERR_01(REQUIRED, "a malformed request line gets 400"),
    ERR_02(REQUIRED, "a malformed field line (space before colon, obs-fold, bare LF) gets 400"),
    ERR_03(REQUIRED, "an upgrade with a method other than GET gets 405 with 'Allow: GET'"),
    ERR_04(REQUIRED, "a GET without upgrade on a routed path gets 426 with 'Upgrade: websocket'"),
    ERR_05(REQUIRED, "a Sec-WebSocket-Version other than 13 gets 426 with 'Sec-WebSocket-Version: 13'"),
    ERR_06(REQUIRED, "a missing or malformed Sec-WebSocket-Key gets 400"),
    ERR_07(REQUIRED, "a head over limits.head-bytes gets 431, a request line over it 414"),
    ERR_08(REQUIRED, "a head not complete within timeouts.head gets 408, even while bytes trickle in"),
    ERR_09(REQUIRED, "when every backend refuses the connection the client gets 502"),
    ERR_10(REQUIRED, "when the connect to the backend times out the client gets 504"),
    ERR_11(REQUIRED, "a path that no route matches gets 404"),
    ERR_12(REQUIRED, "a backend that closes without answering gives the client 502"),
    ERR_13(REQUIRED, "a backend answer that is not HTTP gives the client 502"),
    ERR_14(REQUIRED, "a backend that does not answer within timeouts.handshake gives the client 504"),
    ERR_15(REQUIRED, "an HTTP/1.1 request without Host gets 400"),
    ERR_16(REQUIRED, "a request in an HTTP version other than 1.x gets 505"),
    ERR_17(REQUIRED, "a client that disconnects in the middle of its head costs nothing: the counts return to zero"),
    ERR_18(REQUIRED, "random bytes never break the gateway: it answers 400 or closes, and serves the next client"),
    ERR_19(REQUIRED, "after every refusal the connection is closed and the gateway's open-connection count returns to zero"),
    ERR_20(REQUIRED, "a backend that resets the connection during the handshake gives the client 502"),
    ERR_21(REQUIRED, "a request path with a '.' or '..' segment, even percent-encoded, gets 400 and reaches no backend"),
    ERR_22(REQUIRED, "a backend answer framed two ways (Transfer-Encoding and Content-Length) gives the client 502"),
    ERR_23(REQUIRED, "a Host field, or an absolute-form target's authority, that is not host[:port] gets 400 and reaches no backend; valid ones of every form upgrade"),

    // ISO: tunnels are independent
    ISO_01(REQUIRED, "50 concurrent tunnels each receive exactly their own messages"),
    ISO_02(REQUIRED, "for any interleaving of sends across tunnels, each tunnel receives exactly its own sequence, in order"),
    ISO_03(REQUIRED, "resetting one tunnel leaves the others intact"),
    ISO_04(REQUIRED, "a tunnel whose client has stopped reading does not hold up the others"),
    ISO_05(REQUIRED, "on one event loop, tunnels that end (by protocol error, heartbeat death or an ordinary close) while bytes wait toward a slow peer deliver that peer exactly its own bytes, then its Close where the stream stands between frames, then FIN; no peer receives another tunnel's byte"),

    // HB: dead and half-open peers are found, and the stream is never disturbed finding them
    HB_01(REQUIRED, "in ping mode a client that keeps TCP open but never answers is closed within interval + timeout (+1 s); the backend receives Close 1001, then FIN"),
    HB_02(REQUIRED, "in ping mode a backend that keeps TCP open but never answers is closed within interval + timeout (+1 s); the client receives Close 1001, then FIN"),
    HB_03(STOCHASTIC, "a tunnel whose legs keep talking is never pinged"),
    HB_04(REQUIRED, "Pongs that answer the gateway's Pings never reach the other side; the endpoints' own Pings and Pongs always do, byte for byte"),
    HB_05(REQUIRED, "the gateway's Pings are whole frames of at most 125 bytes, unmasked toward the client and masked toward the backend"),
    HB_06(REQUIRED, "a Ping is never put inside a frame: a 16 MiB frame in small segments, and a fragmented message with control frames between its fragments, arrive intact"),
    HB_07(REQUIRED, "for random frames, random TCP chopping and heartbeats at random moments, the far side receives exactly the frames sent, plus only whole Pings"),
    HB_08(STOCHASTIC, "in off mode the tunnel stays byte for byte transparent however long it is quiet, and the idle timeout still closes it"),
    HB_09(REQUIRED, "a peer that takes none of the bytes the gateway holds for it for timeouts.write is dropped, and both legs close"),
    HB_10(REQUIRED, "in ping mode a frame RFC 6455 forbids ends the tunnel: its sender gets Close 1002, the other side Close 1001"),
    HB_11(STOCHASTIC, "once an endpoint has sent Close, the gateway sends no more Pings"),
    HB_12(REQUIRED, "a peer whose packets vanish (no FIN, no RST) is found by heartbeats within interval + timeout, and by TCP keepalive alone within its probes' time"),
    HB_13(REQUIRED, "TCP_USER_TIMEOUT is honoured where the implementation can set it, and refused at start, naming the key, where it cannot"),
    HB_14(STOCHASTIC, "in ping mode a half-closed tunnel keeps its open direction: no Ping follows a FIN, and neither leg is declared dead for its silence"),
    HB_15(REQUIRED, "in ping mode a backend that ends its stream without a Close, by FIN or by RST, reaches the client as Close 1001 at a frame boundary, then FIN, and is counted as backend_ended or backend_reset"),
    HB_16(REQUIRED, "in ping mode a client that ends its stream without a Close, by FIN or by RST, reaches the backend as Close 1001 at a frame boundary, then FIN, and is counted as client_ended or client_reset"),
    HB_17(STOCHASTIC, "in ping mode a leg the gateway stops reading because the other side reads slowly is not declared dead for the silence that causes, and every byte arrives once the reader reads"),

    // CAP: the gateway owns its source ports, knows its capacity and refuses before the kernel does
    CAP_01(REQUIRED, "with 2 source addresses x 4 ports x 3 backends exactly 24 tunnels open, each upstream from a configured (address, port), no 4-tuple twice"),
    CAP_02(REQUIRED, "the tunnel past capacity gets 503 with Retry-After from the gateway, counted as reason=capacity, and no backend sees a connection for it"),
    CAP_03(REQUIRED, "at capacity, closing one tunnel lets exactly one more in"),
    CAP_04(REQUIRED, "after tunnels end by close, by reset and by heartbeat death, every slot is free again"),
    CAP_05(REQUIRED, "a backend whose slots are all taken is passed over for another of the route that has a free one"),
    CAP_06(REQUIRED, "a pair the kernel refuses (another socket holds it) is set aside, counted, and the tunnel opens from another pair"),
    CAP_07(REQUIRED, "/status and /metrics show per backend endpoint the capacity, in use, free and set aside, adding up, with the formula sources x ports"),
    CAP_08(REQUIRED, "in kernel mode, when the kernel's ephemeral range runs out (4 ports, in a network namespace of the test's own), the client gets 503, the kernel's refusal is counted, and another backend still takes all 4 ports"),
    CAP_09(REQUIRED, "a pool source address this host does not have is refused at start, naming upstream.addresses and the address, before any connection");
    // end::catalogue[]

    private final Strength strength;
    private final String statement;

    Rule(Strength strength, String statement) {
        this.strength = strength;
        this.statement = statement;
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

    /** {@code UPG-03 required: a non-101 answer ...}: how a test shows up in every report. */
    public String title() {
        return id() + " " + strength.label() + ": " + statement;
    }
}
