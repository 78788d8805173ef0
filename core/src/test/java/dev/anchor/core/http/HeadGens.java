package dev.anchor.core.http;

import static dev.anchor.core.Gens.stringOf;
import static dev.anchor.core.Gens.token;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Generators of valid heads: what a well-behaved client or backend could send. */
final class HeadGens {
    /** Visible ASCII a request target may hold in its path: no '?' (starts the query), no '#'. */
    private static final String PATH_CHARS = visibleAsciiExcept("?#");
    private static final String QUERY_CHARS = visibleAsciiExcept("#");
    /** field-vchar (VCHAR and obs-text), SP and HTAB: what a field value or reason phrase holds. */
    private static final String VALUE_CHARS = visibleAsciiExcept("") + " \t" + latin1High();
    private static final Set<String> REQUEST_RULED_FIELDS = Set.of("host", "content-length", "transfer-encoding");

    private HeadGens() {
    }

    static Gen<RequestHead> requests() {
        Gen<String> method = token(1, 10);
        Gen<RequestTarget> target = originFormTargets();
        Gen<HttpVersion> version = Generate.pick(List.of(HttpVersion.HTTP_1_0, HttpVersion.HTTP_1_1));
        Gen<Headers> headers = fields(0, 20)
                .map(fs -> fs.stream()
                        .map(f -> REQUEST_RULED_FIELDS.contains(f.name().toLowerCase(Locale.ROOT))
                                ? new HeaderField("X-" + f.name(), f.value()) : f)
                        .toList())
                .zip(hosts(), integers().between(0, 20), HeadGens::withHostAt);
        return method.zip(target, version, headers, RequestHead::new);
    }

    static Gen<ResponseHead> responses() {
        Gen<HttpVersion> version = integers().between(0, 9).map(minor -> new HttpVersion(1, minor));
        Gen<String> reason = stringOf(VALUE_CHARS, 0, 30);
        Gen<Headers> headers = fields(0, 20).map(Headers::of);
        return version.zip(integers().between(100, 599), reason, headers, ResponseHead::new);
    }

    static Gen<RequestTarget> originFormTargets() {
        Gen<String> path = lists().of(stringOf(PATH_CHARS, 0, 12)).ofSizeBetween(1, 5)
                .map(segments -> withoutDotSegments("/" + String.join("/", segments)));
        Gen<String> query = stringOf(QUERY_CHARS, 0, 20).toOptionals(50).map(q -> q.map(s -> "?" + s).orElse(""));
        return path.zip(query, (p, q) -> parse(p + q));
    }

    /** Valid Host values: a registered name, an IPv4 or an IPv6 literal, with or without a port. */
    static Gen<String> hosts() {
        Gen<String> name = stringOf("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=", 1, 30);
        Gen<String> host = Generate.pick(List.of("127.0.0.1", "[::1]", "[2001:db8::17]", "example.com"))
                .mix(name, 70);
        Gen<String> port = integers().between(0, 65535).toOptionals(50).map(p -> p.map(n -> ":" + n).orElse(""));
        return host.zip(port, String::concat);
    }

    /** Field values without leading or trailing whitespace, as a parser hands them on. */
    static Gen<String> fieldValues() {
        return stringOf(VALUE_CHARS, 0, 40).map(HeadGens::stripOws);
    }

    static Gen<List<HeaderField>> fields(int min, int max) {
        return lists().of(token(1, 16).zip(fieldValues(), HeaderField::new)).ofSizeBetween(min, max);
    }

    private static Headers withHostAt(List<HeaderField> fields, String host, int at) {
        List<HeaderField> all = new ArrayList<>(fields);
        all.add(at % (fields.size() + 1), new HeaderField("Host", host));
        return Headers.of(all);
    }

    /** The parser refuses '.' and '..' segments (also percent-encoded); valid targets avoid them. */
    private static String withoutDotSegments(String path) {
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String decoded = segments[i].toLowerCase(java.util.Locale.ROOT).replace("%2e", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                segments[i] += "_";
            }
        }
        return String.join("/", segments);
    }

    private static RequestTarget parse(String raw) {
        try {
            return RequestTarget.parse(raw);
        } catch (HeadParseException e) {
            throw new IllegalStateException("generated an invalid target " + raw, e);
        }
    }

    private static String stripOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static String visibleAsciiExcept(String excluded) {
        StringBuilder sb = new StringBuilder();
        for (char c = 0x21; c < 0x7f; c++) {
            if (excluded.indexOf(c) < 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String latin1High() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0x80; c <= 0xff; c++) {
            sb.append(c);
        }
        return sb.toString();
    }
}
