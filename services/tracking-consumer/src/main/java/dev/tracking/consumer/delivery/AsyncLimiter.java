package dev.tracking.consumer.delivery;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs at most {@code max} asynchronous tasks at once; later ones wait in order, without blocking a thread. */
final class AsyncLimiter {
    private final int max;
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private int running;
    /** Waiting tasks that were given a slot while this thread was starting another one; see {@link #release}. */
    private final ThreadLocal<Queue<Runnable>> startingOnThisThread = new ThreadLocal<>();

    AsyncLimiter(int max) {
        this.max = max;
    }

    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletableFuture<T> started;
            try {
                started = task.get();
            } catch (Throwable e) { // an Error too, as supplyAsync would: else the slot is never released
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((value, error) -> {
                release();
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        };
        synchronized (this) {
            if (running >= max) {
                waiting.add(start);
                return result;
            }
            running++;
        }
        start.run();
        return result;
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running--;
                return;
            }
        }
        // A task that completes as soon as it starts releases its slot inside next.run(): starting the one after it
        // there would take a stack frame per waiting task and overflow on a long queue. The outermost release on this
        // thread starts them one after another instead.
        Queue<Runnable> handedOn = startingOnThisThread.get();
        if (handedOn != null) {
            handedOn.add(next);
            return;
        }
        handedOn = new ArrayDeque<>();
        startingOnThisThread.set(handedOn);
        try {
            for (Runnable start = next; start != null; start = handedOn.poll()) {
                start.run();
            }
        } finally {
            startingOnThisThread.remove();
        }
    }
}
