package dev.anchor.conformance;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A peer's work on its own virtual thread, for the cases where one side must write while another reads. */
public final class Background {
    private Background() {
    }

    public static <T> Future<T> start(String name, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().name(name).start(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** The result, or the failure the work threw; fails if it takes longer than {@link TestTime#PROMPT} times {@code factor}. */
    public static <T> T await(Future<T> work, int factor) throws Exception {
        try {
            return work.get(TestTime.PROMPT.toMillis() * factor, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            work.cancel(true);
            throw new AssertionError("background work did not finish in time", e);
        }
    }

    public static <T> T await(Future<T> work) throws Exception {
        return await(work, 1);
    }
}
