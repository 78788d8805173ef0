package dev.anchor.nio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * One thread, one {@link Selector}, and everything registered with it. Each turn it sleeps until a
 * channel is ready or the next timer is due, handles the ready channels, runs the tasks other
 * threads handed it, and fires the due timers. A channel and everything about it (its handshake,
 * its tunnel, its timers) belongs to exactly one loop, so none of that state needs a lock.
 */
final class EventLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Timekeeper timers = new Timekeeper();
    private final BufferPool buffers;
    /** Buffers of a TLS record's size, for the TLS legs on this loop; made when the first one comes. */
    private BufferPool records;
    /** Where bytes nobody wants are read to be dropped: a refused client's, a lingering leg's. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(8 * 1024);
    /** Handshakes, tunnels and lingering legs on this loop, so stopping the gateway can end them; loop thread only. */
    private final Set<Stoppable> live = new HashSet<>();
    /** The loop's time in nanoseconds: {@code System::nanoTime}, or a test's hand-driven clock. */
    private final LongSupplier clock;
    private long now;
    private volatile boolean running = true;

    EventLoop(String name, int bufferSize) throws IOException {
        this(name, bufferSize, System::nanoTime);
    }

    EventLoop(String name, int bufferSize, LongSupplier clock) throws IOException {
        this.clock = clock;
        this.now = clock.getAsLong();
        this.selector = Selector.open();
        this.buffers = new BufferPool(bufferSize, 64);
        this.thread = Thread.ofPlatform().name(name).unstarted(this);
    }

    void start() {
        thread.start();
    }

    // tag::loop[]
    @Override
    public void run() {
        try {
            loop();
        } finally {
            closeEverything(); // whatever ended the loop, nothing it owns stays open
        }
    }

    private void loop() {
        while (running) {
            try {
                long wait = timers.millisToNext(clock.getAsLong());
                if (wait == 0 || !tasks.isEmpty()) {
                    selector.selectNow(this::dispatch);
                } else {
                    selector.select(this::dispatch, wait < 0 ? 0 : wait);
                }
                wakeupPending.set(false);
                now = clock.getAsLong();
                runTasks();
                timers.runDue(now);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "event loop " + thread.getName() + " failed a turn", e);
            }
        }
    }

    private void dispatch(SelectionKey key) {
        now = clock.getAsLong();
        try {
            ((Selectable) key.attachment()).ready(key);
        } catch (CancelledKeyException closedMeanwhile) {
            // another event of this turn closed the channel; nothing left to handle
        }
    }
    // end::loop[]

    /**
     * Runs the tasks queued before this run began; one they queue waits for the next turn. A TLS
     * leg with records already read queues its next read so: the selector has its turn in between,
     * and a busy leg cannot keep the loop from every other channel.
     */
    private void runTasks() {
        for (int n = tasks.size(); n > 0; n--) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            task.run();
        }
    }

    /** Runs {@code task} on this loop's thread, soon; callable from any thread. */
    void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** The time this turn started or the current event arrived; cheap to ask, good to a few microseconds. */
    long now() {
        return now;
    }

    Timekeeper.Timer schedule(long delayNanos, Runnable task) {
        return timers.schedule(clock.getAsLong(), delayNanos, task);
    }

    /** The loop's clock read now, where {@link #now()} would be a few microseconds old. */
    long time() {
        return clock.getAsLong();
    }

    SelectionKey register(SelectableChannel channel, int ops, Selectable handler) {
        try {
            return channel.register(selector, ops, handler);
        } catch (ClosedChannelException e) {
            throw new UncheckedIOException(e);
        }
    }

    BufferPool buffers() {
        return buffers;
    }

    /** The pool of TLS record buffers, of {@code size} bytes at least. */
    BufferPool records(int size) {
        if (records == null || records.bufferSize() < size) {
            records = new BufferPool(size, 64); // buffers lent from an older, smaller pool go back to it
        }
        return records;
    }

    /** TLS record buffers lent and not yet back; loop thread only. */
    int recordsLent() {
        return records == null ? 0 : records.lent();
    }

    /** A buffer to read into and forget at once; loop thread only, never held across events. */
    ByteBuffer scratch() {
        return scratch;
    }

    void track(Stoppable s) {
        live.add(s);
    }

    void untrack(Stoppable s) {
        live.remove(s);
    }

    /** Ends everything on this loop, then stops it; from any thread. */
    void shutdown() {
        execute(() -> running = false);
    }

    /** Waits up to {@code millis} for the loop's thread to end, interrupt or not; true if the caller was interrupted. */
    boolean joinUninterruptibly(long millis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (thread.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                thread.join(java.time.Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    private void closeEverything() {
        for (Stoppable s : List.copyOf(live)) {
            try {
                s.stop();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "stopping " + s + " failed; stopping the rest", e);
            }
        }
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the selector failed", e);
        }
    }
}
