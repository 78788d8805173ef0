package dev.anchor.core.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The heartbeat metrics of one leg, looked up once: Pings sent, Pongs received, round trips. */
public record HeartbeatMeters(Counter pings, Counter pongs, Timer roundTrip) {

    public void pingSent() {
        pings.increment();
    }

    public void pongReceived(long roundTripNanos) {
        pongs.increment();
        roundTrip.record(roundTripNanos, TimeUnit.NANOSECONDS);
    }
}
