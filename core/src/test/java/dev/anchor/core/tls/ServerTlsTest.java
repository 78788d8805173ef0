package dev.anchor.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.config.ServerCertificate;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
    private static LocalCa ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCa() {
        ca = LocalCa.create("Anchor test CA", Duration.ofDays(1));
    }

    private ServerCertificate pem(String name, LocalCa.Issued issued) {
        Path chain = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        issued.write(chain, key);
        return ServerCertificate.pem("listen.tls", chain, key, null);
    }

    @Test
    void aPemChainAndKeyServeAHandshakeWithTheConfiguredProtocols() throws Exception {
        ServerTls tls = ServerTls.load(new ListenTls(List.of(pem("site", ca.issue(Duration.ofDays(1), "localhost", "127.0.0.1")))));
        SSLSession session = handshake(tls, null);
        assertThat(session.getProtocol()).isIn(ListenTls.PROTOCOLS);
        assertThat(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(tls.parameters().getApplicationProtocols()).containsExactly("http/1.1");
        assertThat(tls.certificates()).singleElement().satisfies(c -> {
            assertThat(c.names()).containsExactly("localhost", "127.0.0.1");
            assertThat(c.expiredAt(Instant.now())).isFalse();
        });
    }

    @Test
    void sniChoosesTheCertificateByItsNamesAndNoNameGetsTheFirst() throws Exception {
        ServerTls tls = ServerTls.load(new ListenTls(List.of(
                pem("a", ca.issue(Duration.ofDays(1), "a.test")), pem("b", ca.issue(Duration.ofDays(1), "b.test")))));
        assertThat(leafName(handshake(tls, "b.test"))).isEqualTo("CN=b.test");
        assertThat(leafName(handshake(tls, "a.test"))).isEqualTo("CN=a.test");
        assertThat(leafName(handshake(tls, null))).isEqualTo("CN=a.test");
    }

    @Test
    void aPkcs12KeystoreWithItsPasswordServesToo() throws Exception {
        LocalCa.Issued issued = ca.issue(Duration.ofDays(1), "localhost");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("site", issued.key(), "s3cret".toCharArray(), issued.chain());
        Path p12 = dir.resolve("site.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            store.store(out, "s3cret".toCharArray());
        }
        ServerTls tls = ServerTls.load(new ListenTls(List.of(ServerCertificate.pkcs12("listen.tls", p12, "s3cret"))));
        assertThat(leafName(handshake(tls, null))).isEqualTo("CN=localhost");

        assertThatThrownBy(() -> ServerTls.load(new ListenTls(List.of(ServerCertificate.pkcs12("listen.tls", p12, "wrong")))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listen.tls.keystore: " + p12 + ": cannot open it as PKCS#12 with listen.tls.password");
    }

    @Test
    void badFilesAreRefusedNamingTheKeyAndTheFile() throws Exception {
        ServerCertificate good = pem("site", ca.issue(Duration.ofDays(1), "localhost"));
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> load(ServerCertificate.pem("listen.tls", missing, good.privateKey(), null)))
                .hasMessage("listen.tls.certificate: " + missing + ": no such file");

        Path notPem = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertThatThrownBy(() -> load(ServerCertificate.pem("listen.tls", notPem, good.privateKey(), null)))
                .hasMessageStartingWith("listen.tls.certificate: " + notPem + ": not a PEM certificate chain");
        assertThatThrownBy(() -> load(ServerCertificate.pem("listen.tls", good.chain(), notPem, null)))
                .hasMessageStartingWith("listen.tls.key: " + notPem + ": no private key in the file");

        ServerCertificate other = pem("other", ca.issue(Duration.ofDays(1), "other.test"));
        assertThatThrownBy(() -> load(ServerCertificate.pem("listen.tls", good.chain(), other.privateKey(), null)))
                .hasMessageContaining("listen.tls.key: ")
                .hasMessageContaining("the private key does not belong to the first certificate (CN=localhost)");
    }

    @Test
    void anExpiredCertificateStillLoadsAndSaysSo() {
        LocalCa.Issued old = ca.issue(Instant.now().minus(Duration.ofDays(3)), Duration.ofDays(1), "localhost");
        ServerTls tls = ServerTls.load(new ListenTls(List.of(pem("old", old))));
        assertThat(tls.certificates().get(0).expiredAt(Instant.now())).isTrue();
    }

    @Test
    void aWildcardStandsForExactlyOneLabel() {
        assertThat(SniKeyManager.matches("*.example.com", "chat.example.com")).isTrue();
        assertThat(SniKeyManager.matches("*.example.com", "a.chat.example.com")).isFalse();
        assertThat(SniKeyManager.matches("*.example.com", "example.com")).isFalse();
        assertThat(SniKeyManager.matches("Chat.Example.com", "chat.example.com")).isTrue();
    }

    private static void load(ServerCertificate c) {
        ServerTls.load(new ListenTls(List.of(c)));
    }

    private static String leafName(SSLSession session) throws Exception {
        return ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    /** A whole handshake between two engines in memory: no sockets, so nothing here waits. */
    private static SSLSession handshake(ServerTls tls, String sni) throws Exception {
        SSLEngine client = ca.clientContext().createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        SSLParameters p = client.getSSLParameters();
        p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        p.setEndpointIdentificationAlgorithm(null);
        client.setSSLParameters(p);
        SSLEngine server = tls.newEngine();
        int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size * 4);
        ByteBuffer toClient = ByteBuffer.allocate(size * 4);
        ByteBuffer app = ByteBuffer.allocate(size * 4);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < 200 && !(done(client) && done(server)); step++) {
            drive(client, empty, toServer, toClient, app);
            drive(server, empty, toClient, toServer, app);
        }
        assertThat(done(client) && done(server)).as("the handshake completed").isTrue();
        return client.getSession();
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void drive(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws Exception {
        switch (e.getHandshakeStatus()) {
            case NEED_WRAP -> e.wrap(empty, out);
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.flip();
                e.unwrap(in, app);
                in.compact();
            }
            case NEED_TASK -> {
                for (Runnable task = e.getDelegatedTask(); task != null; task = e.getDelegatedTask()) {
                    task.run();
                }
            }
            default -> {
            }
        }
    }
}
