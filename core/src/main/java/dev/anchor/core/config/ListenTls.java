package dev.anchor.core.config;

import java.util.List;

/**
 * TLS on the listening socket ({@code listen.tls}): the certificates the gateway can present. The
 * first is presented when the client names no server (no SNI) or a name none of them carries; the
 * others are chosen by the names in their certificates, as HAProxy chooses among the certificates
 * of a {@code crt} directory. No list at all is a plaintext listener.
 */
public record ListenTls(List<ServerCertificate> certificates) {
    /** Plaintext. */
    public static final ListenTls OFF = new ListenTls(List.of());

    /** TLS 1.2 and 1.3 only: the versions before them are deprecated by RFC 8996. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** What the gateway speaks inside TLS, offered by ALPN (RFC 7301); a WebSocket opens over HTTP/1.1. */
    public static final List<String> APPLICATION_PROTOCOLS = List.of("http/1.1");

    public ListenTls {
        certificates = List.copyOf(certificates);
    }

    public boolean enabled() {
        return !certificates.isEmpty();
    }
}
