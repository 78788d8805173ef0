package dev.anchor.core.http;

/** The protocol version of a start line; only HTTP/1.x reaches here, the parsers refuse the rest. */
public record HttpVersion(int major, int minor) {
    public static final HttpVersion HTTP_1_0 = new HttpVersion(1, 0);
    public static final HttpVersion HTTP_1_1 = new HttpVersion(1, 1);

    public HttpVersion {
        if (major < 0 || major > 9 || minor < 0 || minor > 9) {
            throw new IllegalArgumentException("HTTP version digits must be 0..9: " + major + "." + minor);
        }
    }

    /** True from HTTP/1.1 on: the first version with persistent connections, Host and Upgrade. */
    public boolean atLeast11() {
        return major > 1 || (major == 1 && minor >= 1);
    }

    @Override
    public String toString() {
        return "HTTP/" + major + "." + minor;
    }
}
