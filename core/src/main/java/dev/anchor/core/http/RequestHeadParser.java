package dev.anchor.core.http;

import java.util.List;

/**
 * Reads a client's request head. Besides the line grammar it checks what RFC 9112 makes a
 * server's duty before it acts on a request: exactly one Host in HTTP/1.1, a valid one (RFC 9110
 * section 7.2), and a body length that cannot be read two ways.
 */
public final class RequestHeadParser extends HeadParser<RequestHead> {
    private String method;
    private RequestTarget target;
    private HttpVersion version;

    public RequestHeadParser(HeadLimits limits) {
        super(limits);
    }

    @Override
    boolean skipsLeadingEmptyLines() {
        return true;
    }

    @Override
    void startLine(String text) throws HeadParseException {
        int firstSpace = text.indexOf(' ');
        int lastSpace = text.lastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace == firstSpace) {
            throw malformed("request line is not 'method SP target SP version': " + printable(text));
        }
        method = text.substring(0, firstSpace);
        if (!Syntax.isToken(method)) {
            throw malformed("method is not a token: " + printable(method));
        }
        String rawTarget = text.substring(firstSpace + 1, lastSpace);
        if (rawTarget.indexOf(' ') >= 0 || rawTarget.isEmpty()) {
            throw malformed("request line has more than two single spaces: " + printable(text));
        }
        target = RequestTarget.parse(rawTarget);
        version = Versions.parse(text.substring(lastSpace + 1), 400);
    }

    @Override
    RequestHead complete(Headers headers) throws HeadParseException {
        int hosts = headers.count("Host");
        if (version.atLeast11() ? hosts != 1 : hosts > 1) {
            throw malformed(hosts == 0 ? "HTTP/1.1 request without Host" : "request with " + hosts + " Host fields");
        }
        if (hosts == 1) {
            Authority.check("Host", headers.first("Host").orElseThrow());
        }
        boolean chunked = headers.contains("Transfer-Encoding");
        List<String> lengths = headers.all("Content-Length");
        if (chunked && !lengths.isEmpty()) {
            throw malformed("both Transfer-Encoding and Content-Length");
        }
        if (lengths.size() > 1) {
            throw malformed("more than one Content-Length");
        }
        if (lengths.size() == 1 && !isLength(lengths.get(0))) {
            throw malformed("Content-Length is not a decimal length: " + printable(lengths.get(0)));
        }
        return new RequestHead(method, target, version, headers);
    }

    private static boolean isLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!Syntax.isDigit(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    HeadParseException malformed(String why) {
        return new HeadParseException(400, why);
    }

    @Override
    HeadParseException tooLarge(boolean inFields, int limit) {
        return inFields
                ? new HeadParseException(431, "request head is longer than " + limit + " bytes")
                : new HeadParseException(414, "request line is longer than " + limit + " bytes");
    }

    @Override
    HeadParseException tooManyFields(int limit) {
        return new HeadParseException(431, "request head has more than " + limit + " fields");
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 80) + 2).append('\'');
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append("\\x%02x".formatted((int) c));
            }
        }
        return sb.append(s.length() > 80 ? "...'" : "'").toString();
    }
}
