package dev.anchor.core.http;

/** Reads {@code HTTP/x.y}; a well-formed version other than 1.x gets 505 from a request parser. */
final class Versions {
    private Versions() {
    }

    static HttpVersion parse(String text, int malformedStatus) throws HeadParseException {
        if (text.length() != 8 || !text.startsWith("HTTP/") || text.charAt(6) != '.'
                || !Syntax.isDigit(text.charAt(5)) || !Syntax.isDigit(text.charAt(7))) {
            throw new HeadParseException(malformedStatus,
                    "not an HTTP version: " + RequestHeadParser.printable(text));
        }
        int major = text.charAt(5) - '0';
        if (major != 1) {
            throw new HeadParseException(malformedStatus == 400 ? 505 : malformedStatus,
                    text + " is not spoken on an HTTP/1.x connection");
        }
        return new HttpVersion(major, text.charAt(7) - '0');
    }
}
