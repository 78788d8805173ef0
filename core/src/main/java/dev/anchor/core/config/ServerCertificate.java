package dev.anchor.core.config;

import java.nio.file.Path;

/**
 * One certificate the gateway can present, with its private key: a PEM certificate chain (leaf
 * first) and a PEM private key, or a PKCS#12 keystore holding both. {@code key} is where it was
 * configured ({@code listen.tls.certificates[1]}), so an error about its files can name it.
 */
public record ServerCertificate(String key, Path chain, Path privateKey, Path keystore, String password) {

    /** A PEM chain and key; {@code password} decrypts an encrypted key, and may be null. */
    public static ServerCertificate pem(String key, Path chain, Path privateKey, String password) {
        return new ServerCertificate(key, chain, privateKey, null, password);
    }

    /** A PKCS#12 keystore with one private key entry; {@code password} opens it, and may be null. */
    public static ServerCertificate pkcs12(String key, Path keystore, String password) {
        return new ServerCertificate(key, null, null, keystore, password);
    }

    public boolean isKeystore() {
        return keystore != null;
    }

    @Override
    public String toString() {
        return isKeystore() ? keystore.toString() : chain + " + " + privateKey; // never the password
    }
}
