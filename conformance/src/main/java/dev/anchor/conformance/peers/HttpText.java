package dev.anchor.conformance.peers;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The suite's own minimal HTTP/1.1 reading and writing, for peers that must control every byte. */
public final class HttpText {
    private static final SecureRandom RANDOM = new SecureRandom();

    private HttpText() {
    }

    public static String newKey() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    public static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid opening handshake for {@code target} with {@code key}, plus {@code extra} lines. */
    public static String upgradeRequest(String target, String host, String key, String... extra) {
        StringBuilder sb = new StringBuilder()
                .append("GET ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (String line : extra) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** Reads up to and including the empty line that ends a head. */
    public static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended after " + head.size() + " bytes of a head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            last4 = last4 << 8 | b;
            if (head.size() > 1 << 20) {
                throw new IOException("head longer than 1 MiB");
            }
        }
        return head.toByteArray();
    }

    /** Start line and field lines of a head read by {@link #readHead}. */
    public static List<String> lines(byte[] head) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>(List.of(text.split("\r\n")));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    public static List<Map.Entry<String, String>> fields(List<String> lines) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            fields.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return fields;
    }

    /**
     * Each field name, in lower case, with its values in the order they came: what RFC 9110
     * section 5.3 says a message means, since names are case-insensitive and only the order of
     * lines with the same name carries meaning.
     */
    public static Map<String, List<String>> byName(List<Map.Entry<String, String>> fields) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> f : fields) {
            out.computeIfAbsent(f.getKey().toLowerCase(java.util.Locale.ROOT), k -> new java.util.ArrayList<>())
                    .add(f.getValue());
        }
        return out;
    }
}
