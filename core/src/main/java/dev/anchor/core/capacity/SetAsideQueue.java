package dev.anchor.core.capacity;

/**
 * The slots the kernel refused, each with the time it may be used again. Every slot is set aside
 * for the same duration and the clock only goes forward, so the order they were set aside in is
 * the order they come back in: the oldest is always at the head, and taking back the ones that are
 * due costs nothing for the ones that are not.
 */
final class SetAsideQueue {
    private final IntRing slots = new IntRing(8);
    private final LongRing until = new LongRing();

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
        return !slots.isEmpty() && now - until.peek() >= 0;
    }

    int poll() {
        until.poll();
        return slots.poll();
    }

    /** The same ring, for the due times. */
    private static final class LongRing {
        private long[] items = new long[8];
        private int head;
        private int size;

        void add(long value) {
            if (size == items.length) {
                long[] bigger = new long[items.length * 2];
                int firstPart = Math.min(size, items.length - head);
                System.arraycopy(items, head, bigger, 0, firstPart);
                System.arraycopy(items, 0, bigger, firstPart, size - firstPart);
                items = bigger;
                head = 0;
            }
            items[(head + size) % items.length] = value;
            size++;
        }

        long peek() {
            return items[head];
        }

        void poll() {
            head = (head + 1) % items.length;
            size--;
        }
    }
}
