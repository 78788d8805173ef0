package dev.anchor.core.http;

/** Character classes of RFC 9110 and RFC 9112, as bytes. */
final class Syntax {
    private Syntax() {
    }

    /** tchar: the characters of a token (method, field name, Connection option). */
    static boolean isTchar(int b) {
        if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
            return true;
        }
        return switch (b) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    /** field-vchar, SP or HTAB; obs-text (0x80-0xFF) is allowed and passed on as opaque bytes. */
    static boolean isFieldValueByte(byte b) {
        int c = b & 0xff;
        return c == '\t' || c >= 0x20 && c != 0x7f;
    }

    static boolean isFieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff || !isFieldValueByte((byte) c)) {
                return false;
            }
        }
        return s.isEmpty() || !isOws((byte) s.charAt(0)) && !isOws((byte) s.charAt(s.length() - 1));
    }

    /** The visible ASCII a request target may hold; everything else must be percent-encoded. */
    static boolean isTargetChar(char c) {
        return c > 0x20 && c < 0x7f && c != '#';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
