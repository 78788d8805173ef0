package dev.anchor.core.capacity;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The source (address, port) pairs for upstream connections to one backend endpoint. A connection
 * is a 4-tuple, so a pair may serve every backend at once (the socket sets SO_REUSEADDR, binds the
 * pair, then connects) but only one connection to the same backend: hence one pool per backend,
 * and capacity = addresses x ports per backend.
 *
 * <p>A pair is free, in use, or set aside: the kernel refused it (another process holds it, or a
 * connection of ours lingers in TIME_WAIT), so it rests for a while instead of being refused again
 * at once. It comes back by itself when the pool is next used; there is no timer thread.
 *
 * <p>Every operation costs the same however big the pool is. Each source address keeps its own
 * queue of free pairs, never-used ones first and then handed-back ones oldest first, so a pair
 * rests as long as it can before it is used again. The addresses take turns, so connections
 * spread over them: consecutive acquires come from different addresses while more than one has a
 * free pair.
 *
 * <p>Thread-safe: every gateway thread shares one pool per backend. One lock guards it, held for a
 * few array operations.
 */
public final class SourcePortPool {
    // tag::pool-state[]
    private static final int FREE = 0;
    private static final int IN_USE = 1;
    private static final int SET_ASIDE = 2;
    private static final int STATE = 0b11;
    private static final int HOLDING = 0b100;

    private final InetAddress[] addresses;
    private final int lowPort;
    private final int ports;
    private final int capacity;
    private final long setAsideNanos;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();

    // Slot i is address i % addresses and port lowPort + i / addresses, so neighbours differ in address.
    /** Per slot: its state in the low two bits, above them a count of holdings that tells one from the next. */
    private final int[] stamps;
    /** Per address: the port offsets from here on were never handed out. */
    private final int[] untouched;
    /** Per address: slots handed back or back from resting, oldest first. */
    private final IntRing[] returned;
    /** Per address: its free slots, untouched and returned. */
    private final int[] freeAt;
    /** The addresses that have a free slot, in turn order; each at most once. */
    private final IntRing turns;
    private final SetAsideQueue resting = new SetAsideQueue();
    /** The address of the last pair handed out, -1 before the first. */
    private int lastAddress = -1;
    private int inUse;
    private long refusals;
    private long kernelRefusals;
    // end::pool-state[]

    /**
     * @param addresses     the source addresses, each once
     * @param lowPort       the first source port
     * @param highPort      the last source port, inclusive
     * @param setAside      how long a pair the kernel refused rests
     * @param nanoClock     the time in nanoseconds, {@code System::nanoTime} outside tests
     */
    public SourcePortPool(List<InetAddress> addresses, int lowPort, int highPort, Duration setAside,
                          LongSupplier nanoClock) {
        if (addresses.isEmpty() || new HashSet<>(addresses).size() != addresses.size()) {
            throw new IllegalArgumentException("source addresses must be distinct and at least one: " + addresses);
        }
        if (lowPort < 1 || highPort > 65535 || lowPort > highPort) {
            throw new IllegalArgumentException("not a port range: " + lowPort + "-" + highPort);
        }
        if (setAside.isNegative() || setAside.isZero()) {
            throw new IllegalArgumentException("a set-aside time must be positive: " + setAside);
        }
        this.addresses = addresses.toArray(InetAddress[]::new);
        this.lowPort = lowPort;
        this.ports = highPort - lowPort + 1;
        this.capacity = Math.multiplyExact(this.addresses.length, ports);
        this.setAsideNanos = setAside.toNanos();
        this.nanoClock = nanoClock;
        this.stamps = new int[capacity];
        this.untouched = new int[this.addresses.length];
        this.returned = new IntRing[this.addresses.length];
        this.freeAt = new int[this.addresses.length];
        this.turns = new IntRing(this.addresses.length);
        for (int a = 0; a < this.addresses.length; a++) {
            returned[a] = new IntRing(8);
            freeAt[a] = ports;
            turns.add(a);
        }
    }

    // tag::acquire[]
    /** A free pair, or empty when every pair is in use or resting; that is counted as a refusal. */
    public Optional<SourceSlot> acquire() {
        synchronized (lock) {
            wakeRested(nanoClock.getAsLong());
            if (turns.isEmpty()) {
                refusals++;
                return Optional.empty();
            }
            int a = turns.poll();
            if (a == lastAddress && !turns.isEmpty()) {
                // it was the only address with a free pair, and others have one again since: they go first
                turns.add(a);
                a = turns.poll();
            }
            lastAddress = a;
            int slot = untouched[a] < ports ? untouched[a]++ * addresses.length + a : returned[a].poll();
            if (--freeAt[a] > 0) {
                turns.add(a);
            }
            int stamp = stamps[slot] + HOLDING & ~STATE | IN_USE;
            stamps[slot] = stamp;
            inUse++;
            return Optional.of(new SourceSlot(this, addresses[a], lowPort + slot / addresses.length, slot, stamp));
        }
    }
    // end::acquire[]

    // tag::release[]
    /**
     * Hands a pair back. A pair this holding no longer has (released already, or set aside) or one
     * of another pool is refused, never counted twice.
     *
     * @throws IllegalArgumentException if the slot belongs to another pool
     * @throws IllegalStateException if this holding of the slot has already ended
     */
    public void release(SourceSlot slot) {
        synchronized (lock) {
            int index = holding(slot, "release");
            stamps[index] = stamps[index] & ~STATE | FREE;
            inUse--;
            makeFree(index);
        }
    }

    /**
     * Takes a held pair out of use for the set-aside time, because the kernel refused it: "Address
     * already in use" at bind, or "Cannot assign requested address" at connect. Counted as a
     * kernel refusal. The holding ends; do not release it as well.
     *
     * @throws IllegalArgumentException if the slot belongs to another pool
     * @throws IllegalStateException if this holding of the slot has already ended
     */
    public void setAside(SourceSlot slot) {
        synchronized (lock) {
            int index = holding(slot, "set aside");
            long now = nanoClock.getAsLong();
            stamps[index] = stamps[index] & ~STATE | SET_ASIDE;
            inUse--;
            kernelRefusals++;
            resting.add(index, now + setAsideNanos);
        }
    }
    // end::release[]

    public SlotCounts counts() {
        synchronized (lock) {
            wakeRested(nanoClock.getAsLong());
            int setAside = resting.size();
            return new SlotCounts(capacity, inUse, capacity - inUse - setAside, setAside, refusals, kernelRefusals);
        }
    }

    public int capacity() {
        return capacity;
    }

    public List<InetAddress> addresses() {
        return List.of(addresses);
    }

    public int lowPort() {
        return lowPort;
    }

    public int highPort() {
        return lowPort + ports - 1;
    }

    public Duration setAsideTime() {
        return Duration.ofNanos(setAsideNanos);
    }

    /** How the capacity comes about, e.g. {@code 4 source addresses x 1,000 ports = 4,000}. */
    public String formula() {
        return String.format(Locale.ROOT, "%,d source address%s x %,d port%s = %,d",
                addresses.length, addresses.length == 1 ? "" : "es", ports, ports == 1 ? "" : "s", capacity);
    }

    @Override
    public String toString() {
        return "SourcePortPool[" + formula() + ", ports " + lowPort + "-" + highPort() + "]";
    }

    // tag::holding[]
    /** The index of a slot whose holding is current; the caller holds the lock. */
    private int holding(SourceSlot slot, String what) {
        if (slot.pool() != this) {
            throw new IllegalArgumentException("cannot " + what + " " + slot + ": it is not from this pool");
        }
        int index = slot.index();
        if (stamps[index] != slot.stamp()) {
            String now = switch (stamps[index] & STATE) {
                case SET_ASIDE -> "it is set aside";
                case IN_USE -> "another holder has it now";
                default -> "it is free";
            };
            throw new IllegalStateException("cannot " + what + " " + slot + ": this holding of it has ended ("
                    + now + "); a slot is released or set aside once");
        }
        return index;
    }
    // end::holding[]

    // tag::wake[]
    /** Every pair whose rest is over becomes free; the oldest rest ends first. */
    private void wakeRested(long now) {
        while (resting.headDue(now)) {
            int index = resting.poll();
            stamps[index] = stamps[index] & ~STATE | FREE;
            makeFree(index);
        }
    }

    private void makeFree(int index) {
        int a = index % addresses.length;
        returned[a].add(index);
        if (freeAt[a]++ == 0) {
            turns.add(a);
        }
    }
    // end::wake[]
}
