package dev.tracking.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncLimiter} with tasks the test completes by hand: each task's future stays open until {@link #finish} or
 * {@link #fail} completes it, so which tasks run is decided by the test, not by timing.
 */
class AsyncLimiterTest {
    /** Bound on every wait of the concurrent test; the waits end as soon as their condition holds. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Names of the tasks, in the order the limiter started them. */
    private final List<String> started = new CopyOnWriteArrayList<>();
    /** The future each started task returned, by name, for the test to complete. */
    private final Map<String, CompletableFuture<String>> runningTasks = new ConcurrentHashMap<>();

    private ExecutorService threads;

    @AfterEach
    void stopThreads() {
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    @Test
    void runsAtMostMaxTasksAtOnce() {
        AsyncLimiter limiter = new AsyncLimiter(2);

        limiter.submit(task("a"));
        limiter.submit(task("b"));
        limiter.submit(task("c"));
        limiter.submit(task("d"));

        assertThat(started).containsExactly("a", "b");
    }

    @Test
    void startsWaitingTasksInSubmissionOrderAsRunningOnesSucceedOrFail() {
        AsyncLimiter limiter = new AsyncLimiter(2);
        for (String name : List.of("a", "b", "c", "d", "e")) {
            limiter.submit(task(name));
        }

        finish("b");
        assertThat(started).containsExactly("a", "b", "c");

        fail("a", new IllegalStateException("PostHog answered 503"));
        assertThat(started).containsExactly("a", "b", "c", "d");

        finish("d");
        assertThat(started).containsExactly("a", "b", "c", "d", "e");
        assertThat(stillRunning()).containsExactlyInAnyOrder("c", "e");
    }

    @Test
    void aFreeSlotIsTakenByTheNextSubmission() {
        AsyncLimiter limiter = new AsyncLimiter(1);
        limiter.submit(task("a"));
        finish("a");

        limiter.submit(task("b"));

        assertThat(started).containsExactly("a", "b");
    }

    @Test
    void passesResultsThrough() {
        AsyncLimiter limiter = new AsyncLimiter(1);
        CompletableFuture<String> a = limiter.submit(task("a"));
        CompletableFuture<String> b = limiter.submit(task("b"));

        finish("a");
        assertThat(a).isCompletedWithValue("a done");
        assertThat(b).isNotDone();

        finish("b");
        assertThat(b).isCompletedWithValue("b done");
    }

    @Test
    void passesErrorsThrough() {
        AsyncLimiter limiter = new AsyncLimiter(1);
        CompletableFuture<String> a = limiter.submit(task("a"));
        CompletableFuture<String> b = limiter.submit(task("b"));
        IllegalStateException unavailable = new IllegalStateException("PostHog answered 503");

        fail("a", unavailable);

        assertThat(errorOf(a)).isSameAs(unavailable);
        assertThat(b).isNotDone();
    }

    @Test
    void aTaskThatThrowsWhenStartedFailsItsOwnFutureAndFreesItsSlot() {
        AsyncLimiter limiter = new AsyncLimiter(1);
        IllegalStateException noTransport = new IllegalStateException("no transport");

        CompletableFuture<String> broken = limiter.submit(throwing(noTransport));
        limiter.submit(task("a"));

        assertThat(errorOf(broken)).isSameAs(noTransport);
        assertThat(started).containsExactly("a");
    }

    @Test
    void aWaitingTaskThatThrowsWhenStartedFailsOnlyItsOwnFutureAndPassesItsSlotOn() {
        AsyncLimiter limiter = new AsyncLimiter(1);
        IllegalStateException noTransport = new IllegalStateException("no transport");
        CompletableFuture<String> a = limiter.submit(task("a"));
        CompletableFuture<String> broken = limiter.submit(throwing(noTransport));
        CompletableFuture<String> b = limiter.submit(task("b"));

        finish("a");

        assertThat(a).isCompletedWithValue("a done");
        assertThat(errorOf(broken)).isSameAs(noTransport);
        assertThat(started).containsExactly("a", "b");
        assertThat(b).isNotDone();
    }

    /**
     * A supplier can throw an {@link Error} as well, e.g. {@link ExceptionInInitializerError} from a transport class
     * that failed to initialise. Like {@link CompletableFuture#supplyAsync}, the limiter fails that task's future with
     * it; otherwise the slot is never released and, when the task was waiting, the task that handed it its slot never
     * completes.
     */
    @Test
    void aTaskThatThrowsAnErrorWhenStartedFailsItsOwnFutureAndFreesItsSlot() {
        AsyncLimiter limiter = new AsyncLimiter(1);
        ExceptionInInitializerError brokenTransport = brokenTransportClass();

        CompletableFuture<String> broken = submitWithoutThrowing(limiter, throwing(brokenTransport));
        limiter.submit(task("a"));

        assertThat(errorOf(broken)).isSameAs(brokenTransport);
        assertThat(started).containsExactly("a");
    }

    @Test
    void aWaitingTaskThatThrowsAnErrorWhenStartedFailsOnlyItsOwnFutureAndPassesItsSlotOn() {
        AsyncLimiter limiter = new AsyncLimiter(1);
        ExceptionInInitializerError brokenTransport = brokenTransportClass();
        CompletableFuture<String> a = limiter.submit(task("a"));
        CompletableFuture<String> broken = limiter.submit(throwing(brokenTransport));
        limiter.submit(task("b"));

        finish("a");

        assertThat(a).isCompletedWithValue("a done");
        assertThat(errorOf(broken)).isSameAs(brokenTransport);
        assertThat(started).containsExactly("a", "b");
    }

    /**
     * Tasks that complete as soon as they are started (a dry run, a cached answer) hand their slot on while the task
     * before them is still completing; a long queue of them must not need a stack frame per task.
     */
    @Test
    void aLongQueueOfTasksThatCompleteAtOnceAllRun() {
        AsyncLimiter limiter = new AsyncLimiter(1);
        CompletableFuture<String> a = limiter.submit(task("a"));
        List<CompletableFuture<String>> waiting = new ArrayList<>();
        for (int n = 0; n < 10_000; n++) {
            waiting.add(limiter.submit(() -> CompletableFuture.completedFuture("answered at once")));
        }

        finish("a");

        assertThat(a).isCompletedWithValue("a done");
        assertThat(waiting.stream().filter(task -> !task.isDone()).count())
                .as("waiting tasks never completed")
                .isZero();
        assertThat(waiting).extracting(CompletableFuture::join).containsOnly("answered at once");
        limiter.submit(task("b"));
        assertThat(started).containsExactly("a", "b");
    }

    /**
     * Six threads submit while two others complete what runs. Each submitter waits for its task before it submits the
     * next, so the limiter is kept at the edge between a free slot and a full one, where a check-then-act race would
     * start one task too many. Nothing completes before {@code max} tasks ran at once, so the high-water mark must be
     * exactly {@code max}.
     */
    @Test
    void concurrentSubmissionsNeverRunMoreThanMaxAtOnce() throws Exception {
        int max = 3;
        int submitters = 6;
        int tasksEach = 200;
        AsyncLimiter limiter = new AsyncLimiter(max);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger highWater = new AtomicInteger();
        CountDownLatch limitReached = new CountDownLatch(1);
        BlockingQueue<Runnable> completions = new LinkedBlockingQueue<>();
        CyclicBarrier allSubmittersReady = new CyclicBarrier(submitters);
        CountDownLatch allCompleted = new CountDownLatch(submitters * tasksEach);
        threads = Executors.newFixedThreadPool(submitters + 2);

        List<Future<List<Integer>>> submitted = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            int first = s * tasksEach;
            submitted.add(threads.submit(() -> {
                allSubmittersReady.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                List<Integer> answers = new ArrayList<>();
                for (int n = first; n < first + tasksEach; n++) {
                    int value = n;
                    CompletableFuture<Integer> answer = limiter.submit(() -> {
                        int now = running.incrementAndGet();
                        highWater.accumulateAndGet(now, Math::max);
                        if (now == max) {
                            limitReached.countDown();
                        }
                        CompletableFuture<Integer> reply = new CompletableFuture<>();
                        completions.add(() -> {
                            // leaves before it completes: completing starts the next task on this thread
                            running.decrementAndGet();
                            reply.complete(value);
                        });
                        return reply;
                    });
                    answers.add(answer.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
                }
                return answers;
            }));
        }
        for (int c = 0; c < 2; c++) {
            threads.submit(() -> {
                if (!limitReached.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
                while (allCompleted.getCount() > 0) {
                    // short polls only to notice that the other completer took the last one
                    Runnable completion = completions.poll(20, TimeUnit.MILLISECONDS);
                    if (completion != null) {
                        completion.run();
                        allCompleted.countDown();
                    }
                }
                return null;
            });
        }

        assertThat(limitReached.await(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                .as("%d tasks running at once", max)
                .isTrue();
        List<Integer> answers = new ArrayList<>();
        for (Future<List<Integer>> submitter : submitted) {
            answers.addAll(submitter.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
        }
        assertThat(answers).doesNotHaveDuplicates().hasSize(submitters * tasksEach);
        assertThat(highWater).as("most tasks running at once").hasValue(max);
        assertThat(running).hasValue(0);
    }

    private Supplier<CompletableFuture<String>> task(String name) {
        return () -> {
            started.add(name);
            CompletableFuture<String> future = new CompletableFuture<>();
            runningTasks.put(name, future);
            return future;
        };
    }

    private static Supplier<CompletableFuture<String>> throwing(RuntimeException failure) {
        return () -> {
            throw failure;
        };
    }

    private static Supplier<CompletableFuture<String>> throwing(Error failure) {
        return () -> {
            throw failure;
        };
    }

    private static ExceptionInInitializerError brokenTransportClass() {
        return new ExceptionInInitializerError("HttpPostHogTransport could not be initialised");
    }

    private void finish(String name) {
        runningTasks.get(name).complete(name + " done");
    }

    private void fail(String name, Exception failure) {
        runningTasks.get(name).completeExceptionally(failure);
    }

    private List<String> stillRunning() {
        return runningTasks.entrySet().stream()
                .filter(task -> !task.getValue().isDone())
                .map(Map.Entry::getKey)
                .toList();
    }

    private static CompletableFuture<String> submitWithoutThrowing(
            AsyncLimiter limiter, Supplier<CompletableFuture<String>> task) {
        List<CompletableFuture<String>> result = new ArrayList<>();
        assertThatCode(() -> result.add(limiter.submit(task)))
                .as("submit reports the task's failure in its future")
                .doesNotThrowAnyException();
        return result.get(0);
    }

    private static Throwable errorOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        return future.handle((value, error) -> error).join();
    }
}
