package dev.anchor.conformance.tls;

import dev.anchor.conformance.peers.ClientTls;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.config.ServerCertificate;
import dev.anchor.core.tls.LocalCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The run's own certificate authority: made fresh when a run first needs TLS, so no private key is
 * ever checked in, and trusted by the suite's clients and nothing else. It issues the gateway's
 * certificates as PEM files in a folder of the run's own, which {@code listen.tls} reads as an
 * operator's files would be read, and which is deleted when the JVM exits.
 */
public final class RunCa {
    /** The names of the certificate every fixture's TLS listener presents: the loopback, by name and by address. */
    public static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");

    private static final Duration VALIDITY = Duration.ofDays(2);
    private static RunCa run;

    private final LocalCa ca;
    private final Path dir;
    private final SSLContext clientContext;
    private final Map<List<String>, ServerCertificate> issued = new ConcurrentHashMap<>();
    private final AtomicInteger files = new AtomicInteger();

    private RunCa(LocalCa ca, Path dir) {
        this.ca = ca;
        this.dir = dir;
        this.clientContext = ca.clientContext();
    }

    /** This run's authority, made on first use. */
    public static synchronized RunCa get() {
        if (run == null) {
            try {
                Path dir = Files.createTempDirectory("anchor-suite-tls-");
                dir.toFile().deleteOnExit(); // after the files in it, which are registered later
                run = new RunCa(LocalCa.create("Anchor conformance run " + ProcessHandle.current().pid(), VALIDITY), dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make a folder for the run's certificates", e);
            }
        }
        return run;
    }

    /** A certificate for {@code names} (PEM chain and key files), issued once per set of names. */
    public ServerCertificate certificate(String... names) {
        return issued.computeIfAbsent(List.of(names), n -> {
            String stem = "server-" + files.incrementAndGet() + "-" + n.get(0).replaceAll("[^A-Za-z0-9.-]", "_");
            Path chain = dir.resolve(stem + ".crt");
            Path key = dir.resolve(stem + ".key");
            chain.toFile().deleteOnExit();
            key.toFile().deleteOnExit();
            write(ca.issue(VALIDITY, names), chain, key);
            return ServerCertificate.pem("listen.tls", chain, key, null);
        });
    }

    /**
     * The chain and an unencrypted PKCS#8 key, as PEM: the key in the form every reader takes
     * ({@code LocalCa.Issued.write} of the core this suite was first built on wrote SEC 1 without
     * the public half, which that core's own reader refused).
     */
    private static void write(LocalCa.Issued issued, Path chainFile, Path keyFile) {
        StringBuilder chain = new StringBuilder();
        try {
            for (X509Certificate c : issued.chain()) {
                chain.append(pem("CERTIFICATE", c.getEncoded()));
            }
            Files.writeString(chainFile, chain, StandardCharsets.US_ASCII);
            Files.writeString(keyFile, pem("PRIVATE KEY", issued.key().getEncoded()), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate the run's authority made", e);
        } catch (UnsupportedOperationException notPosix) {
            // the folder is the run's own either way
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + chainFile + " and " + keyFile, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** {@code listen.tls} with the loopback's certificate: what every fixture's gateway presents when its client leg is TLS. */
    public ListenTls listen() {
        return new ListenTls(List.of(certificate(LOOPBACK.toArray(String[]::new))));
    }

    /** {@code listen.tls} presenting one certificate per name, the first for clients that name none of them. */
    public ListenTls listen(String... oneNameEach) {
        return new ListenTls(java.util.Arrays.stream(oneNameEach).map(this::certificate).toList());
    }

    /** A client context trusting this authority and nothing else. */
    public SSLContext clientContext() {
        return clientContext;
    }

    /** A client of a gateway at a loopback address: no SNI, and the certificate must carry that address. */
    public ClientTls client() {
        return ClientTls.toAddress(clientContext);
    }
}
