package dev.anchor.core.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.heartbeat.Heartbeat.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The heartbeat of one leg at T-1 and at T, with time passed in: no test here sleeps. */
class HeartbeatTest {
    private static final long T0 = 1_000_000_000L;
    private static final long INTERVAL = Duration.ofSeconds(30).toNanos();
    private static final long TIMEOUT = Duration.ofSeconds(10).toNanos();

    private final Heartbeat hb = new Heartbeat(Duration.ofNanos(INTERVAL), Duration.ofNanos(TIMEOUT), T0);

    @Test
    void aQuietLegIsPingedAtTheIntervalAndNotBefore() {
        assertThat(hb.check(T0 + INTERVAL - 1)).isEqualTo(Verdict.QUIET);
        assertThat(hb.check(T0 + INTERVAL)).isEqualTo(Verdict.PING);
        assertThat(hb.nextCheck()).isEqualTo(T0 + INTERVAL);
    }

    @Test
    void whileAPingWaitsTheNextLookIsAtTheTimeoutOrTheIntervalWhicheverIsSooner() {
        Heartbeat patient = new Heartbeat(Duration.ofNanos(INTERVAL), Duration.ofNanos(5 * INTERVAL), T0);
        patient.pingSent(T0 + INTERVAL);
        assertThat(patient.nextCheck()).as("an answer re-arms the interval").isEqualTo(T0 + 2 * INTERVAL);
        patient.heard(T0 + INTERVAL + 7);
        assertThat(patient.nextCheck()).isEqualTo(T0 + 2 * INTERVAL + 7);
    }

    // tag::deadline[]
    @Test
    void aLegThatSaysNothingAfterThePingIsDeadAtTheTimeoutAndNotBefore() {
        long sent = T0 + INTERVAL;
        hb.pingSent(sent);
        assertThat(hb.nextCheck()).isEqualTo(sent + TIMEOUT);
        assertThat(hb.check(sent + TIMEOUT - 1)).isEqualTo(Verdict.QUIET);
        assertThat(hb.check(sent + TIMEOUT)).isEqualTo(Verdict.DEAD);
    }
    // end::deadline[]

    @Test
    void anyByteFromTheLegIsLife() {
        long sent = T0 + INTERVAL;
        hb.pingSent(sent);
        hb.heard(sent + TIMEOUT - 1);
        assertThat(hb.check(sent + TIMEOUT)).isEqualTo(Verdict.QUIET);
        assertThat(hb.check(sent + TIMEOUT - 1 + INTERVAL)).isEqualTo(Verdict.PING);
    }

    @Test
    void aTalkingLegIsNeverPinged() {
        for (long t = T0; t < T0 + 10 * INTERVAL; t += INTERVAL - 1) {
            hb.heard(t);
            assertThat(hb.check(t + INTERVAL - 1)).isEqualTo(Verdict.QUIET);
        }
    }

    @Test
    void thePongThatAnswersIsRecognisedOnceWithItsRoundTrip() {
        byte[] nonce = hb.pingSent(T0 + INTERVAL);
        assertThat(nonce.length).isLessThanOrEqualTo(125);

        assertThat(hb.pong(nonce, T0 + INTERVAL + 5_000)).isTrue();
        assertThat(hb.lastRoundTrip()).isEqualTo(5_000);
        assertThat(hb.pong(nonce, T0 + INTERVAL + 6_000)).as("a second copy is the endpoint's").isFalse();
        assertThat(hb.check(T0 + INTERVAL + TIMEOUT)).isEqualTo(Verdict.QUIET);
    }

    @Test
    void aLatePongForAnEarlierPingIsStillTheGateways() {
        byte[] first = hb.pingSent(T0 + INTERVAL);
        hb.heard(T0 + INTERVAL + 1); // data arrived: alive, first Ping not answered yet
        byte[] second = hb.pingSent(T0 + 2 * INTERVAL + 1);

        assertThat(first).isNotEqualTo(second);
        assertThat(hb.pong(first, T0 + 2 * INTERVAL + 2)).isTrue();
        assertThat(hb.pong(second, T0 + 2 * INTERVAL + 3)).isTrue();
    }

    @Test
    void anEndpointsPongIsNotTheGateways() {
        hb.pingSent(T0 + INTERVAL);
        assertThat(hb.pong("anchor-from-the-endpoint".getBytes(StandardCharsets.US_ASCII), T0 + INTERVAL + 1)).isFalse();
        assertThat(hb.pong(new byte[0], T0 + INTERVAL + 1)).isFalse();
    }

    @Test
    void onceStoppedItNeverPingsNorDies() {
        hb.pingSent(T0 + INTERVAL);
        hb.stop();
        assertThat(hb.check(T0 + 100 * INTERVAL)).isEqualTo(Verdict.QUIET);
        assertThat(hb.awaitingPong()).isFalse();
    }
}
