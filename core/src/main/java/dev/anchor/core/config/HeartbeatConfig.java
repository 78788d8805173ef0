package dev.anchor.core.config;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code heartbeat}: whether the gateway pings each leg of a tunnel itself, and how often.
 *
 * @param mode    {@code off}: a plain byte tunnel, guarded only by the idle timeout, as nginx does;
 *                {@code ping}: the gateway follows the frames and pings a quiet leg
 * @param client  interval and timeout toward the client
 * @param backend interval and timeout toward the backend
 */
public record HeartbeatConfig(Mode mode, Leg client, Leg backend) {
    public static final HeartbeatConfig OFF =
            new HeartbeatConfig(Mode.OFF, Leg.DEFAULT, Leg.DEFAULT);

    public enum Mode {
        OFF,
        PING;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param interval how long a leg may be quiet before it gets a Ping
     * @param timeout  how long after that Ping the leg has to say anything at all
     */
    public record Leg(Duration interval, Duration timeout) {
        public static final Leg DEFAULT = new Leg(Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    public boolean pings() {
        return mode == Mode.PING;
    }
}
