package dev.anchor.core.http;

import java.util.Locale;

/**
 * The request target as sent, and what it names. Origin form ({@code /chat?room=1}) is what
 * clients send; absolute form ({@code http://host/chat}) must be accepted too (RFC 9112 section
 * 3.2.2), and its authority then replaces the Host field. Other forms name no path, and the parser
 * refuses them, as it refuses dot-segments: a gateway that routes {@code /chat/../admin} to the
 * {@code /chat} pool lets the backend's normalisation decide what the gateway's routing meant.
 *
 * @param authority the host[:port] of an absolute-form target, or null for origin form
 */
public record RequestTarget(String raw, String authority, String path, String query) {

    /** An origin-form target. */
    public RequestTarget(String raw, String path, String query) {
        this(raw, null, path, query);
    }

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
        String authority = null;
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
            authority = raw.substring(schemeEnd + 3, authorityEnd);
            if (authority.isEmpty()) {
                throw new HeadParseException(400, "absolute request target without a host: " + raw);
            }
            if (authority.indexOf('@') >= 0) {
                throw new HeadParseException(400, "request target carries user information: " + raw);
            }
            Authority.check("the request target's authority", authority);
            pathAndQuery = authorityEnd == raw.length() ? "/" : raw.substring(authorityEnd);
            if (pathAndQuery.charAt(0) == '?') {
                pathAndQuery = "/" + pathAndQuery;
            }
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        if (hasDotSegment(path)) {
            throw new HeadParseException(400, "request path has a '.' or '..' segment: " + path);
        }
        return new RequestTarget(raw, authority, path, q < 0 ? null : pathAndQuery.substring(q + 1));
    }

    /** A segment that is '.' or '..', also when percent-encoded ({@code %2e}). */
    private static boolean hasDotSegment(String path) {
        for (String segment : path.split("/", -1)) {
            String s = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (s.equals(".") || s.equals("..")) {
                return true;
            }
        }
        return false;
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
