package dev.anchor.core.config;

/**
 * A configuration value the gateway will not run with. The message names the key (as a path such as
 * {@code routes[1].backends[0]}), the value, and what would have been accepted.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String message) {
        this(key, key.isEmpty() ? message : key + ": " + message, null);
    }

    private ConfigException(String key, String fullMessage, Void unused) {
        super(fullMessage);
        this.key = key;
    }

    public static ConfigException invalid(String key, Object value, String expected) {
        return new ConfigException(key, "'" + value + "' is not allowed; expected " + expected);
    }

    /** The same error, prefixed with where the configuration came from (a file name). */
    public ConfigException in(String source) {
        return new ConfigException(key, source + ": " + getMessage(), null);
    }

    /** The path of the offending key; empty for the file as a whole. */
    public String key() {
        return key;
    }
}
