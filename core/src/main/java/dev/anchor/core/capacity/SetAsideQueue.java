package dev.anchor.core.capacity;

import java.util.ArrayDeque;

/**
 * The slots the kernel refused, each with the time it may be used again. Every slot is set aside
 * for the same duration and the clock only goes forward, so the order they were set aside in is
 * the order they come back in: the oldest is always at the head, and taking back the ones that are
 * due costs nothing for the ones that are not.
 */
final class SetAsideQueue {
    private final IntRing slots = new IntRing(8);
    /** Boxed: a pair is set aside only when the kernel refuses it, which is rare, not per connection. */
    private final ArrayDeque<Long> until = new ArrayDeque<>();

    void add(int slot, long untilNanos) {
        slots.add(slot);
        until.add(untilNanos);
    }

    int size() {
        return slots.size();
    }

    /** Whether the oldest slot may be used again at {@code now}; false when there is none. */
    boolean headDue(long now) {
        // compared as a difference, so a clock that wraps past Long.MAX_VALUE still orders right
        return !slots.isEmpty() && now - until.getFirst() >= 0;
    }

    int poll() {
        until.removeFirst();
        return slots.poll();
    }
}
