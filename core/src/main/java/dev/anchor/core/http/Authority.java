package dev.anchor.core.http;

/**
 * The grammar of a Host field value, which is also that of an absolute-form target's authority
 * without user information: {@code uri-host [ ":" port ]} (RFC 9110 section 7.2, RFC 3986 section
 * 3.2.2). A host is a registered name (letters, digits, {@code -._~}, the sub-delimiters and
 * percent-encoded octets; an IPv4 address is one of these), or an IPv6 or future IP literal in
 * brackets. A port is at most five digits and at most 65535. RFC 9110 section 7.2 requires a
 * server to answer 400 to a Host it cannot parse; a gateway that forwarded one would let the
 * backend decide what the gateway routed.
 */
// tag::authority[]
public final class Authority {
    private Authority() {
    }

    /** Refuses {@code value} unless it is {@code uri-host [ ":" port ]} with a non-empty host. */
    public static void check(String what, String value) throws HeadParseException {
        String why = problem(value);
        if (why != null) {
            throw new HeadParseException(400, what + " " + RequestHeadParser.printable(value) + " is not host[:port]: " + why);
        }
    }

    /** What is wrong with {@code value}, or null if it is a valid authority. */
    static String problem(String value) {
        int portColon;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return "an IP literal without its ']'";
            }
            String literal = value.substring(1, close);
            if (!isIpv6(literal) && !isIpFuture(literal)) {
                return "not an IPv6 address";
            }
            if (close + 1 < value.length() && value.charAt(close + 1) != ':') {
                return "something other than a port after the IP literal";
            }
            portColon = close + 1 < value.length() ? close + 1 : -1;
        } else {
            portColon = value.lastIndexOf(':');
            String host = portColon < 0 ? value : value.substring(0, portColon);
            if (host.isEmpty()) {
                return "no host";
            }
            String bad = regNameProblem(host);
            if (bad != null) {
                return bad;
            }
        }
        return portColon < 0 ? null : portProblem(value.substring(portColon + 1));
    }
    // end::authority[]

    private static String regNameProblem(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '%') {
                if (i + 2 >= host.length() || !isHex(host.charAt(i + 1)) || !isHex(host.charAt(i + 2))) {
                    return "a '%' that does not start a percent-encoded octet";
                }
                i += 2;
            } else if (!isUnreserved(c) && !isSubDelim(c)) {
                return c == '@' ? "user information" : "the character 0x%02x".formatted((int) c);
            }
        }
        return null;
    }

    /** RFC 3986 allows an empty port; otherwise at most five digits, at most 65535. */
    private static String portProblem(String port) {
        if (port.length() > 5) {
            return "a port longer than five digits";
        }
        for (int i = 0; i < port.length(); i++) {
            if (!Syntax.isDigit(port.charAt(i))) {
                return "a port that is not a number";
            }
        }
        return port.isEmpty() || Integer.parseInt(port) <= 65535 ? null : "a port above 65535";
    }

    /** IPv6address of RFC 3986: eight groups, or fewer around one "::", the last two perhaps an IPv4 address. */
    static boolean isIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        int groups;
        if (gap < 0) {
            groups = groups(s, true);
            return groups == 8;
        }
        String head = s.substring(0, gap);
        String tail = s.substring(gap + 2);
        int before = head.isEmpty() ? 0 : groups(head, false);
        int after = tail.isEmpty() ? 0 : groups(tail, true);
        return before >= 0 && after >= 0 && before + after <= 7;
    }

    /** How many 16-bit groups {@code s} holds (an IPv4 tail counts two), or -1 if it is malformed. */
    private static int groups(String s, boolean ipv4Tail) {
        String[] parts = s.split(":", -1);
        int count = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (ipv4Tail && i == parts.length - 1 && p.indexOf('.') >= 0) {
                if (!isIpv4(p)) {
                    return -1;
                }
                count += 2;
            } else if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(c -> isHex((char) c))) {
                return -1;
            } else {
                count++;
            }
        }
        return count;
    }

    private static boolean isIpv4(String s) {
        String[] octets = s.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(c -> Syntax.isDigit((char) c))
                    || Integer.parseInt(o) > 255 || o.length() > 1 && o.charAt(0) == '0') {
                return false;
            }
        }
        return true;
    }

    /** IPvFuture: "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ). */
    private static boolean isIpFuture(String s) {
        int dot = s.indexOf('.');
        if (s.length() < 4 || (s.charAt(0) != 'v' && s.charAt(0) != 'V') || dot < 2 || dot == s.length() - 1) {
            return false;
        }
        for (int i = 1; i < dot; i++) {
            if (!isHex(s.charAt(i))) {
                return false;
            }
        }
        for (int i = dot + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isUnreserved(c) && !isSubDelim(c) && c != ':') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUnreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || Syntax.isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isSubDelim(char c) {
        return "!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static boolean isHex(char c) {
        return Syntax.isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
