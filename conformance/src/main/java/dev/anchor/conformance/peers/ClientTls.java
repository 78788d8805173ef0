package dev.anchor.conformance.peers;

import javax.net.ssl.SSLContext;

/**
 * How a test client speaks TLS to a gateway: the context it trusts (the run's own certificate
 * authority), the server name it sends (SNI), and whether it checks the certificate against the
 * name it connects to. A null {@code ClientTls} is a plaintext client.
 *
 * @param serverName the name sent as SNI and checked against the certificate; null for none, the
 *                   certificate then being checked against the address connected to, or not at all
 * @param verifyHost whether the certificate must carry the name (or address) connected to
 */
public record ClientTls(SSLContext context, String serverName, boolean verifyHost) {

    /** No SNI (a client that connects to an address sends none), and the certificate must carry that address. */
    public static ClientTls toAddress(SSLContext context) {
        return new ClientTls(context, null, true);
    }

    /** SNI {@code serverName}, and the certificate must carry it. */
    public static ClientTls naming(SSLContext context, String serverName) {
        return new ClientTls(context, serverName, true);
    }

    /** No SNI, and any certificate of the trusted authority will do: to see which one the server chose. */
    public static ClientTls anyName(SSLContext context) {
        return new ClientTls(context, null, false);
    }
}
