package dev.anchor.core.http;

import java.util.Locale;

/**
 * The request target as sent, and the path and query it names. Origin form ({@code /chat?room=1})
 * is what clients send; absolute form ({@code http://host/chat}) must be accepted too (RFC 9112
 * section 3.2.2). Other forms name no path, and the parser refuses them.
 */
public record RequestTarget(String raw, String path, String query) {

    public static RequestTarget parse(String raw) throws HeadParseException {
        if (raw.isEmpty()) {
            throw new HeadParseException(400, "empty request target");
        }
        for (int i = 0; i < raw.length(); i++) {
            if (!Syntax.isTargetChar(raw.charAt(i))) {
                throw new HeadParseException(400,
                        "request target holds 0x%02x; it must be visible ASCII without '#'"
                                .formatted((int) raw.charAt(i)));
            }
        }
        String pathAndQuery;
        if (raw.charAt(0) == '/') {
            pathAndQuery = raw;
        } else {
            int schemeEnd = raw.indexOf("://");
            String scheme = schemeEnd < 0 ? "" : raw.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("ws")) {
                throw new HeadParseException(400,
                        "request target must be a path (origin form) or an http:// or ws:// URI: " + raw);
            }
            int authorityEnd = schemeEnd + 3;
            while (authorityEnd < raw.length() && raw.charAt(authorityEnd) != '/' && raw.charAt(authorityEnd) != '?') {
                authorityEnd++;
            }
            if (authorityEnd == schemeEnd + 3) {
                throw new HeadParseException(400, "absolute request target without a host: " + raw);
            }
            pathAndQuery = authorityEnd == raw.length() ? "/" : raw.substring(authorityEnd);
            if (pathAndQuery.charAt(0) == '?') {
                pathAndQuery = "/" + pathAndQuery;
            }
        }
        int q = pathAndQuery.indexOf('?');
        return q < 0
                ? new RequestTarget(raw, pathAndQuery, null)
                : new RequestTarget(raw, pathAndQuery.substring(0, q), pathAndQuery.substring(q + 1));
    }

    /** Path and query as a backend expects them: the origin form, whatever form the client used. */
    public String originForm() {
        return query == null ? path : path + '?' + query;
    }

    @Override
    public String toString() {
        return raw;
    }
}
