package dev.anchor.core.http;

/**
 * Reads a backend's response head. Whatever is wrong with it, the client gets 502: the status
 * carried by every exception here.
 */
public final class ResponseHeadParser extends HeadParser<ResponseHead> {
    private HttpVersion version;
    private int status;
    private String reason;

    public ResponseHeadParser(HeadLimits limits) {
        super(limits);
    }

    @Override
    boolean skipsLeadingEmptyLines() {
        return false;
    }

    @Override
    void startLine(String text) throws HeadParseException {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]
        if (text.length() < 13 || text.charAt(8) != ' ' || text.charAt(12) != ' ') {
            throw malformed("status line is not 'HTTP/1.1 SP 3DIGIT SP reason': "
                    + RequestHeadParser.printable(text));
        }
        version = Versions.parse(text.substring(0, 8), 502);
        char c0 = text.charAt(9);
        char c1 = text.charAt(10);
        char c2 = text.charAt(11);
        if (c0 < '1' || c0 > '5' || !Syntax.isDigit(c1) || !Syntax.isDigit(c2)) {
            throw malformed("status code is not 100..599: " + RequestHeadParser.printable(text.substring(9, 12)));
        }
        status = (c0 - '0') * 100 + (c1 - '0') * 10 + (c2 - '0');
        reason = text.substring(13);
        for (int i = 0; i < reason.length(); i++) {
            if (!Syntax.isFieldValueByte((byte) reason.charAt(i))) {
                throw malformed("control character in the reason phrase");
            }
        }
    }

    @Override
    ResponseHead complete(Headers headers) {
        return new ResponseHead(version, status, reason, headers);
    }

    @Override
    HeadParseException malformed(String why) {
        return new HeadParseException(502, "backend sent a malformed response head: " + why);
    }

    @Override
    HeadParseException tooLarge(boolean inFields, int limit) {
        return new HeadParseException(502, "backend response head is longer than " + limit + " bytes");
    }

    @Override
    HeadParseException tooManyFields(int limit) {
        return new HeadParseException(502, "backend response head has more than " + limit + " fields");
    }
}
