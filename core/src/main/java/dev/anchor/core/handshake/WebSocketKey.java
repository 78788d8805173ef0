package dev.anchor.core.handshake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** RFC 6455 section 4: the nonce a client sends and the accept value that proves a server read it. */
public final class WebSocketKey {
    /** The GUID every WebSocket server appends to the key before hashing (RFC 6455 section 1.3). */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketKey() {
    }

    /** A valid key is the base64 of exactly 16 bytes: 24 characters ending in "==". */
    public static boolean isValid(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            byte[] nonce = Base64.getDecoder().decode(key);
            return nonce.length == 16 && Base64.getEncoder().encodeToString(nonce).equals(key);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /** {@code base64(sha1(key + GUID))}: what Sec-WebSocket-Accept must say for this key. */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-1", e);
        }
    }
}
