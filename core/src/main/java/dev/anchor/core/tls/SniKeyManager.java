package dev.anchor.core.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the certificate whose names match the server name the client asked for (SNI, RFC 6066),
 * and the first certificate when the client named none, or a name no certificate carries. The
 * JDK's own key managers rank candidates by key type and validity but leave the name out of the
 * choice, which is why Jetty and Tomcat each carry a class like this one.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    /** One certificate, under the alias the JDK hands back: its index. */
    record Entry(String alias, PrivateKey key, X509Certificate[] chain, List<String> names) {
    }

    private final List<Entry> entries;

    SniKeyManager(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, socket instanceof SSLSocket s ? s.getHandshakeSession() : null);
    }

    /** The first certificate of the key type asked for whose names match; else the first of that type. */
    private String choose(String keyType, SSLSession handshake) {
        String requested = requestedName(handshake);
        Entry fallback = null;
        for (Entry e : entries) {
            if (!e.key().getAlgorithm().equalsIgnoreCase(keyType)) {
                continue; // the JDK asks once per key type the client accepts
            }
            if (requested != null && e.names().stream().anyMatch(n -> matches(n, requested))) {
                return e.alias();
            }
            if (fallback == null) {
                fallback = e;
            }
        }
        return fallback == null ? null : fallback.alias();
    }

    private static String requestedName(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession session) {
            for (SNIServerName name : session.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }

    /** An exact name, or a wildcard standing for exactly one leftmost label (RFC 6125, section 6.4.3). */
    static boolean matches(String certificateName, String requested) {
        String n = certificateName.toLowerCase(Locale.ROOT);
        if (n.startsWith("*.")) {
            int dot = requested.indexOf('.');
            return dot > 0 && requested.substring(dot).equals(n.substring(1));
        }
        return n.equals(requested);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return entries.stream().filter(e -> e.key().getAlgorithm().equalsIgnoreCase(keyType))
                .map(Entry::alias).toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return entry(alias) == null ? null : entry(alias).chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return entry(alias) == null ? null : entry(alias).key();
    }

    private Entry entry(String alias) {
        return entries.stream().filter(e -> e.alias().equals(alias)).findFirst().orElse(null);
    }

    /** The gateway presents certificates; it never asks for one. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
