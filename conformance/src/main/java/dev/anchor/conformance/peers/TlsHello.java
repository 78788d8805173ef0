package dev.anchor.conformance.peers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A TLS ClientHello written byte by byte (RFC 5246 section 7.4.1.2, RFC 8446 section 4.1.2), and
 * the server's first answer to it, read the same way. The JDK's own client cannot offer what a
 * server must refuse: it will not send a hello for TLS 1.0 or 1.1, or for suites its
 * {@code jdk.tls.disabledAlgorithms} names, whatever a socket's parameters say, and it fails such a
 * handshake itself, before the server has had a say. A hello made by hand asks the server alone.
 */
public final class TlsHello {
    public static final int TLS_1_0 = 0x0301;
    public static final int TLS_1_1 = 0x0302;
    public static final int TLS_1_2 = 0x0303;

    /** Suites TLS 1.2 servers take with an EC (or RSA) certificate: AEAD with forward secrecy. */
    public static final int[] CURRENT_SUITES = {0xC02B, 0xC02C, 0xCCA9, 0xC02F, 0xC030, 0xCCA8};
    /** Suites TLS 1.0 and 1.1 had: CBC with SHA-1, with and without forward secrecy. */
    public static final int[] LEGACY_SUITES = {0xC009, 0xC00A, 0xC013, 0xC014, 0x002F, 0x0035};
    /**
     * Suites no gateway should take: anonymous key exchange, which authenticates nobody
     * (TLS_ECDH_anon_WITH_AES_128_CBC_SHA, TLS_DH_anon_WITH_AES_128_GCM_SHA256), NULL encryption
     * (TLS_ECDHE_ECDSA_WITH_NULL_SHA, TLS_RSA_WITH_NULL_SHA256) and RC4, which RFC 7465 forbids
     * (TLS_ECDHE_ECDSA_WITH_RC4_128_SHA, TLS_RSA_WITH_RC4_128_SHA).
     */
    public static final int[] REFUSED_SUITES = {0xC018, 0x00A6, 0xC006, 0x003B, 0xC007, 0x0005};

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int HANDSHAKE = 22;
    private static final int ALERT = 21;
    private static final int SERVER_HELLO = 2;

    private TlsHello() {
    }

    /**
     * A ClientHello record offering {@code version} (as its highest, with no supported_versions
     * extension, as a client of that version sent it) and only {@code suites}, naming
     * {@code serverName} by SNI if not null.
     */
    public static byte[] clientHello(int version, int[] suites, String serverName) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, version);
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no session to resume
        u16(body, suites.length * 2);
        for (int s : suites) {
            u16(body, s);
        }
        body.write(1); // one compression method,
        body.write(0); // none
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        if (serverName != null) {
            byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            list.write(0); // host_name
            u16(list, name.length);
            list.writeBytes(name);
            extension(ext, 0x0000, withLength16(list.toByteArray()));
        }
        extension(ext, 0x000a, withLength16(bytes16(0x001d, 0x0017, 0x0018))); // groups: x25519, P-256, P-384
        extension(ext, 0x000b, new byte[] {1, 0}); // EC points uncompressed
        if (version >= TLS_1_2) {
            // ECDSA, RSA-PSS and RSA with SHA-2: what TLS 1.2 signs its key exchange with
            extension(ext, 0x000d, withLength16(bytes16(0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601)));
        }
        extension(ext, 0x0017, new byte[0]); // extended master secret
        extension(ext, 0xff01, new byte[] {0}); // a first handshake, not a renegotiation
        u16(body, ext.size());
        body.writeBytes(ext.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(HANDSHAKE);
        u16(record, TLS_1_0); // the record version most clients send in a first hello
        byte[] hello = body.toByteArray();
        u16(record, hello.length + 4);
        record.write(1); // client_hello
        record.write(hello.length >>> 16);
        u16(record, hello.length & 0xffff);
        record.writeBytes(hello);
        return record.toByteArray();
    }

    /** What a server said first to a hello. */
    public record Answer(Kind kind, int version, int suite, int alert, String detail) {
        public enum Kind {
            /** It went on with the handshake: {@code version} and {@code suite} are its choice. */
            SERVER_HELLO,
            /** An alert record: {@code alert} is its description (70 protocol_version, 40 handshake_failure...). */
            ALERT,
            /** It ended the connection with nothing, or nothing more, to say. */
            CLOSED,
            /** It reset the connection. */
            RESET,
            /** Nothing within the deadline. */
            SILENT,
            /** Bytes that are neither: {@code detail} shows them. */
            OTHER
        }

        /** Whether the server refused: it did not go on with the handshake, and did not leave the client waiting. */
        public boolean refused() {
            return kind == Kind.ALERT || kind == Kind.CLOSED || kind == Kind.RESET;
        }

        @Override
        public String toString() {
            return switch (kind) {
                case SERVER_HELLO -> "a ServerHello choosing version 0x%04x and suite 0x%04x".formatted(version, suite);
                case ALERT -> "alert " + alert;
                default -> kind.name().toLowerCase(java.util.Locale.ROOT) + (detail.isEmpty() ? "" : " (" + detail + ")");
            };
        }
    }

    /** Sends {@code hello} over {@code client} (plain TCP) and reads the server's first record, within the client's read timeout. */
    public static Answer ask(RawClient client, byte[] hello) throws IOException {
        try {
            client.write(hello);
        } catch (SocketException refusedMidWrite) {
            return new Answer(Answer.Kind.RESET, 0, 0, 0, refusedMidWrite.getMessage());
        }
        return answer(client);
    }

    /** Reads the server's first TLS record and says what it was. */
    public static Answer answer(Connection c) throws IOException {
        byte[] header;
        try {
            header = c.readExactly(5);
        } catch (SocketTimeoutException silent) {
            return new Answer(Answer.Kind.SILENT, 0, 0, 0, "");
        } catch (SocketException e) {
            if (Connection.isReset(e)) {
                return new Answer(Answer.Kind.RESET, 0, 0, 0, "");
            }
            throw e;
        }
        if (header.length < 5) {
            return new Answer(Answer.Kind.CLOSED, 0, 0, 0, header.length == 0 ? "" : "after " + HexFormat.of().formatHex(header));
        }
        int type = header[0] & 0xff;
        int length = (header[3] & 0xff) << 8 | header[4] & 0xff;
        if ((type != HANDSHAKE && type != ALERT) || (header[1] & 0xff) != 3 || length > (1 << 14) + 2048) {
            return new Answer(Answer.Kind.OTHER, 0, 0, 0, "first bytes " + HexFormat.of().formatHex(header)
                    + " '" + new String(header, StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", ".") + "'");
        }
        byte[] fragment = c.readExactly(length);
        if (fragment.length < length) {
            return new Answer(Answer.Kind.CLOSED, 0, 0, 0, "in the middle of a record");
        }
        if (type == ALERT) {
            return new Answer(Answer.Kind.ALERT, 0, 0, fragment.length > 1 ? fragment[1] & 0xff : -1, "");
        }
        if ((fragment[0] & 0xff) != SERVER_HELLO || fragment.length < 4 + 2 + 32 + 1) {
            return new Answer(Answer.Kind.OTHER, 0, 0, 0, "handshake message " + (fragment[0] & 0xff));
        }
        int version = (fragment[4] & 0xff) << 8 | fragment[5] & 0xff;
        int sessionId = fragment[4 + 2 + 32] & 0xff;
        int at = 4 + 2 + 32 + 1 + sessionId;
        int suite = fragment.length >= at + 2 ? (fragment[at] & 0xff) << 8 | fragment[at + 1] & 0xff : -1;
        return new Answer(Answer.Kind.SERVER_HELLO, version, suite, 0, "");
    }

    private static void extension(ByteArrayOutputStream to, int type, byte[] data) {
        u16(to, type);
        u16(to, data.length);
        to.writeBytes(data);
    }

    private static byte[] withLength16(byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, data.length);
        b.writeBytes(data);
        return b.toByteArray();
    }

    private static byte[] bytes16(int... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int v : values) {
            u16(b, v);
        }
        return b.toByteArray();
    }

    private static void u16(ByteArrayOutputStream to, int v) {
        to.write(v >>> 8 & 0xff);
        to.write(v & 0xff);
    }
}
