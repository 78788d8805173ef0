package dev.anchor.core.heartbeat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * Whether one leg of a tunnel is alive, decided from what the gateway hears from it. Quiet for
 * {@code interval}: send a Ping. Nothing at all heard within {@code timeout} of that Ping: the leg
 * is dead. Any byte from the leg counts as life, not only the Pong: a peer busy sending is as
 * alive as one that answers. The Pong is still recognised by its nonce, whenever it comes, so that
 * the gateway can take it out of the stream; the last few nonces are remembered for that.
 *
 * <p>Time is passed in, never read: every method takes {@code now} in nanoseconds, so a test can
 * drive it to a deadline minus one and to the deadline exactly.
 *
 * <p>Not thread-safe; each implementation touches it from one thread at a time.
 */
// tag::heartbeat[]
public final class Heartbeat {
    /** What the leg needs now. */
    public enum Verdict {
        /** Nothing to do until {@link #nextCheck()}. */
        QUIET,
        /** Send a Ping now (or at the next frame boundary), and report it with {@link #pingSent}. */
        PING,
        /** The leg answered nothing in time: end the tunnel. */
        DEAD
    }

    private static final int REMEMBERED = 4;
    private static final SecureRandom NONCES = new SecureRandom();

    private final long intervalNanos;
    private final long timeoutNanos;
    private final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>(REMEMBERED);
    private final byte[] prefix;
    private long lastHeard;
    private long pingSentAt;
    private boolean awaiting;
    private boolean stopped;
    /** The gateway is not reading this leg (the other one has not taken its bytes yet): its silence is ours. */
    private boolean held;
    private long counter;
    private long lastRoundTrip = -1;

    private record Outstanding(byte[] nonce, long sentAt) {
    }

    public Heartbeat(Duration interval, Duration timeout, long now) {
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.lastHeard = now;
        byte[] random = new byte[6];
        NONCES.nextBytes(random);
        this.prefix = ("anchor-" + HexFormat.of().formatHex(random) + "-").getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes arrived from the leg: it is alive, whatever it sent. */
    public void heard(long now) {
        lastHeard = now;
        awaiting = false;
    }

    public Verdict check(long now) {
        if (stopped || held) {
            return Verdict.QUIET;
        }
        if (awaiting) {
            return now - pingSentAt >= timeoutNanos ? Verdict.DEAD : Verdict.QUIET;
        }
        return now - lastHeard >= intervalNanos ? Verdict.PING : Verdict.QUIET;
    }

    /** A Ping went out: returns the payload it carried, the nonce its Pong will echo. */
    public byte[] pingSent(long now) {
        byte[] nonce = Arrays.copyOf(prefix, prefix.length + 12);
        byte[] digits = String.format("%012d", ++counter % 1_000_000_000_000L).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, nonce, prefix.length, digits.length);
        if (outstanding.size() == REMEMBERED) {
            outstanding.poll();
        }
        outstanding.add(new Outstanding(nonce, now));
        pingSentAt = now;
        awaiting = true;
        return nonce;
    }

    /**
     * A Pong arrived from the leg. True if it answers one of this heartbeat's Pings, in which case
     * it is the gateway's to take out of the stream, and its round trip is recorded.
     */
    public boolean pong(byte[] payload, long now) {
        for (Iterator<Outstanding> it = outstanding.iterator(); it.hasNext(); ) {
            Outstanding o = it.next();
            if (Arrays.equals(o.nonce(), payload)) {
                it.remove();
                lastRoundTrip = now - o.sentAt();
                heard(now);
                return true;
            }
        }
        return false;
    }
    // end::heartbeat[]

    /**
     * When {@link #check} may next say something else, in the same nanoseconds as {@code now}.
     * While a Ping waits for its answer, any byte from the leg ends the wait and starts a new
     * interval, so the next look is due no later than one interval after the Ping, even if the
     * timeout is longer: a caller that sleeps until the timeout would miss the next Ping.
     */
    public long nextCheck() {
        if (stopped) {
            return Long.MAX_VALUE;
        }
        return awaiting ? pingSentAt + Math.min(timeoutNanos, intervalNanos) : lastHeard + intervalNanos;
    }

    /**
     * The gateway stops reading this leg for a while, because the other leg has not taken what it
     * sent yet: whatever the leg sends now, its Pong included, waits in the kernel unread, so its
     * silence proves nothing, and no Ping goes out whose answer could not be read.
     */
    public void hold() {
        held = !stopped;
    }

    /** The gateway reads this leg again: the leg is judged from {@code now}, as if just heard. */
    public void release(long now) {
        if (held) {
            held = false;
            heard(now);
        }
    }

    public boolean held() {
        return held;
    }

    /** How long a leg may be quiet before it is pinged, in nanoseconds. */
    public long intervalNanos() {
        return intervalNanos;
    }

    /** How long a Ping waits for its answer, in nanoseconds. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** The round trip of the last answered Ping in nanoseconds, or -1 if none was answered yet. */
    public long lastRoundTrip() {
        return lastRoundTrip;
    }

    /**
     * No more Pings: a Close went toward this leg, and a peer that received a Close need not
     * answer a Ping (RFC 6455 section 5.5.2), or the stream toward it has ended and a Ping cannot
     * reach it; either way silence from now on proves nothing.
     */
    public void stop() {
        stopped = true;
        held = false;
    }

    public boolean awaitingPong() {
        return awaiting && !stopped;
    }
}
