package dev.anchor.core.tls;

import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.ServerCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads one configured certificate and its private key from their files, and proves they belong
 * together. The JDK reads PEM certificates and PKCS#12 keystores itself; PEM private keys come in
 * four shapes (PKCS#1 RSA, SEC 1 EC, PKCS#8, encrypted PKCS#8 or legacy OpenSSL encryption), which
 * Bouncy Castle's parser reads. Only its parsing is used: the keys become the JDK's own, and no
 * security provider is installed. Every error names the configuration key and the file.
 */
final class CertificateFiles {
    private CertificateFiles() {
    }

    record Loaded(ServerCertificate source, PrivateKey key, X509Certificate[] chain) {
        X509Certificate leaf() {
            return chain[0];
        }
    }

    static Loaded load(ServerCertificate c) {
        Loaded loaded = c.isKeystore() ? keystore(c) : pem(c);
        requireMatch(loaded);
        return loaded;
    }

    private static Loaded pem(ServerCertificate c) {
        String chainKey = c.key() + ".certificate";
        List<X509Certificate> chain;
        try (InputStream in = open(chainKey, c.chain())) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (CertificateException | IOException e) {
            throw new ConfigException(chainKey, c.chain() + ": not a PEM certificate chain (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw new ConfigException(chainKey, c.chain() + ": no certificate in the file; expected PEM "
                    + "'-----BEGIN CERTIFICATE-----' blocks, the server's own first");
        }
        return new Loaded(c, privateKey(c), chain.toArray(X509Certificate[]::new));
    }

    private static PrivateKey privateKey(ServerCertificate c) {
        String keyKey = c.key() + ".key";
        Object pem;
        try (Reader in = Files.newBufferedReader(exists(keyKey, c.privateKey()), StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(in)) {
            pem = parser.readObject();
        } catch (IOException e) {
            throw new ConfigException(keyKey, c.privateKey() + ": not a PEM private key (" + e.getMessage() + ")");
        }
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        try {
            if (pem instanceof PrivateKeyInfo info) {
                return keys.getPrivateKey(info);
            }
            if (pem instanceof PEMKeyPair pair) {
                return keys.getPrivateKey(pair.getPrivateKeyInfo()); // its public half may be absent (SEC 1 allows it)
            }
            if (pem instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                char[] password = password(keyKey, c);
                return keys.getPrivateKey(encrypted.decryptPrivateKeyInfo(
                        new JceOpenSSLPKCS8DecryptorProviderBuilder().build(password)));
            }
            if (pem instanceof PEMEncryptedKeyPair encrypted) {
                char[] password = password(keyKey, c);
                return keys.getPrivateKey(encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().build(password))
                        .getPrivateKeyInfo());
            }
        } catch (PKCSException | OperatorCreationException | IOException e) {
            throw new ConfigException(keyKey, c.privateKey() + ": cannot decrypt the private key; is "
                    + c.key() + ".password right? (" + e.getMessage() + ")");
        }
        throw new ConfigException(keyKey, c.privateKey() + ": no private key in the file; expected a PEM "
                + "'PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY' or 'ENCRYPTED PRIVATE KEY' block"
                + (pem == null ? "" : ", found " + pem.getClass().getSimpleName()));
    }

    private static char[] password(String keyKey, ServerCertificate c) {
        if (c.password() == null) {
            throw new ConfigException(keyKey, c.privateKey() + ": the private key is encrypted; set "
                    + c.key() + ".password");
        }
        return c.password().toCharArray();
    }

    private static Loaded keystore(ServerCertificate c) {
        String storeKey = c.key() + ".keystore";
        KeyStore store;
        char[] password = c.password() == null ? new char[0] : c.password().toCharArray();
        try (InputStream in = open(storeKey, c.keystore())) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(storeKey, c.keystore() + ": cannot open it as PKCS#12 with "
                    + c.key() + ".password" + (c.password() == null ? " (not set)" : "") + " (" + e.getMessage() + ")");
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) store.getKey(alias, password);
                    Certificate[] chain = store.getCertificateChain(alias);
                    if (key != null && chain != null && chain.length > 0) {
                        return new Loaded(c, key, java.util.Arrays.stream(chain)
                                .map(X509Certificate.class::cast).toArray(X509Certificate[]::new));
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException(storeKey, c.keystore() + ": cannot read its private key with "
                    + c.key() + ".password (" + e.getMessage() + ")");
        }
        throw new ConfigException(storeKey, c.keystore() + ": holds no private key with its certificate chain");
    }

    /** Signs with the key and verifies with the leaf certificate: a key that is not the certificate's fails every handshake. */
    private static void requireMatch(Loaded loaded) {
        ServerCertificate c = loaded.source();
        String keyKey = c.key() + (c.isKeystore() ? ".keystore" : ".key");
        String algorithm = switch (loaded.key().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new ConfigException(keyKey, c + ": a " + loaded.key().getAlgorithm()
                    + " key; TLS here takes RSA, EC or Ed25519 keys");
        };
        byte[] probe = "anchor: does the key match the certificate?".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(loaded.key());
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(loaded.leaf().getPublicKey());
            verify.update(probe);
            matches = verify.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new ConfigException(keyKey, c + ": the private key does not belong to the first certificate ("
                    + loaded.leaf().getSubjectX500Principal().getName() + "); the chain must start with the server's own");
        }
    }

    private static InputStream open(String key, Path file) throws IOException {
        return Files.newInputStream(exists(key, file));
    }

    private static Path exists(String key, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key, file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException(key, file + ": not readable by this user");
        }
        return file;
    }
}
