package dev.anchor.core.tls;

import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.ListenTls;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The server side of TLS on the listening socket, built once per configuration: a reload builds a
 * new one for new connections, and live tunnels keep the sessions they have. Core decides what is
 * offered (TLS 1.2 and 1.3, ALPN http/1.1, which certificate for which name); each implementation
 * drives the handshake and the records with its own kind of I/O.
 *
 * <p>With several certificates, {@link SniKeyManager} picks the one whose names match the client's
 * SNI, and the first one when none does or the client sent no name.
 */
public final class ServerTls {
    private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());

    private final SSLContext context;
    private final List<CertificateInfo> certificates;

    /** What {@code anchor run --check} shows of each certificate. */
    public record CertificateInfo(String key, String subject, List<String> names, Instant notBefore, Instant notAfter) {
        public boolean expiredAt(Instant now) {
            return now.isAfter(notAfter);
        }
    }

    private ServerTls(SSLContext context, List<CertificateInfo> certificates) {
        this.context = context;
        this.certificates = List.copyOf(certificates);
    }

    /** Reads every certificate and key; a bad file or password is refused, naming the key and the file. */
    public static ServerTls load(ListenTls config) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("listen.tls is off");
        }
        List<CertificateInfo> infos = new ArrayList<>();
        List<SniKeyManager.Entry> entries = new ArrayList<>();
        for (var source : config.certificates()) {
            CertificateFiles.Loaded loaded = CertificateFiles.load(source);
            CertificateInfo info = info(source.key(), loaded.leaf());
            if (info.expiredAt(Instant.now())) {
                LOG.log(System.Logger.Level.WARNING, "{0}: the certificate for {1} expired on {2}; clients will refuse it",
                        source.key(), info.subject(), info.notAfter());
            }
            infos.add(info);
            entries.add(new SniKeyManager.Entry(String.valueOf(entries.size()), loaded.key(), loaded.chain(), info.names()));
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SniKeyManager(entries)}, null, new SecureRandom());
            return new ServerTls(context, infos);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("listen.tls", "cannot build a TLS context: " + e.getMessage());
        }
    }

    /** TLS 1.2 and 1.3, ALPN http/1.1, the server's order of cipher suites. */
    public SSLParameters parameters() {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(ListenTls.PROTOCOLS.toArray(String[]::new));
        p.setApplicationProtocols(ListenTls.APPLICATION_PROTOCOLS.toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(false);
        return p;
    }

    /** A server-mode engine for one connection, for the implementations that drive their own records. */
    public SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(parameters());
        return engine;
    }

    public SSLContext context() {
        return context;
    }

    public List<CertificateInfo> certificates() {
        return certificates;
    }

    private static CertificateInfo info(String key, X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    int type = (Integer) name.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress
                        names.add(String.valueOf(name.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no names to show beyond the subject
        }
        if (names.isEmpty()) {
            // an old certificate with its name only in the subject: clients no longer accept that, SNI still may
            String subject = leaf.getSubjectX500Principal().getName();
            if (subject.startsWith("CN=")) {
                names.add(subject.substring(3).split(",", 2)[0]);
            }
        }
        return new CertificateInfo(key, leaf.getSubjectX500Principal().getName(), names,
                leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
    }
}
