package dev.anchor.core.capacity;

/**
 * A snapshot of one backend's upstream slots (or the sum over all backends), taken under the
 * pool's lock so that the numbers agree with each other: {@code free + inUse + setAside ==
 * capacity} whenever the capacity is known.
 *
 * @param capacity       source pairs toward the backend, or {@link #UNKNOWN} when the kernel picks
 *                       them and its range could not be read
 * @param inUse          held by upstream connections, connecting ones included
 * @param free           ready to hand out, or {@link #UNKNOWN} with the capacity
 * @param setAside       refused by the kernel lately and resting; always 0 in kernel mode
 * @param refusals       acquires that found no free slot (each one a 503 unless another backend
 *                       had room), since start
 * @param kernelRefusals slots the kernel refused at bind or connect, since start
 */
public record SlotCounts(long capacity, long inUse, long free, long setAside, long refusals, long kernelRefusals) {
    public static final long UNKNOWN = -1;

    public static final SlotCounts NONE = new SlotCounts(0, 0, 0, 0, 0, 0);

    public boolean capacityKnown() {
        return capacity != UNKNOWN;
    }

    /** The sum of two backends' counts; unknown if either capacity is. */
    public SlotCounts plus(SlotCounts other) {
        boolean known = capacityKnown() && other.capacityKnown();
        return new SlotCounts(known ? capacity + other.capacity : UNKNOWN, inUse + other.inUse,
                known ? free + other.free : UNKNOWN, setAside + other.setAside,
                refusals + other.refusals, kernelRefusals + other.kernelRefusals);
    }
}
