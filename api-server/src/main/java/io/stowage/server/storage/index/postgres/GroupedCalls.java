package io.stowage.server.storage.index.postgres;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Calls of one kind that arrive while another is running are run together, as one, once it is
 * done: a group commit. The first caller runs its call alone; the callers that come meanwhile
 * wait, and when it returns, one of them runs the calls that waited longest (up to a total weight)
 * in one piece of work, on its own thread, and hands each caller its own result. Nothing waits
 * for a timer: a call runs at once when nothing else does, and a group is as large as the load
 * makes it. One group runs at a time.
 *
 * <p>PostgreSQL spends a good part of a small write on the statement rather than on its rows
 * (planning, the round trip, the commit and its WAL flush), so concurrent PutBatch calls that
 * share one statement cost it less each. A failure of the shared work fails every call of the
 * group with the same exception; each caller then answers its client as it would alone.
 *
 * @param <R> a call's request
 * @param <T> a call's result
 */
final class GroupedCalls<R, T> {
    private final Function<List<R>, List<T>> work;
    private final ToIntFunction<R> weight;
    private final int maxWeight;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private final ArrayDeque<Call<R, T>> waiting = new ArrayDeque<>();
    private boolean running;

    /**
     * @param work runs a group; returns one result per request, in the requests' order
     * @param weight a request's weight (its rows); a group holds more than {@code maxWeight} only
     *     when its first request alone does
     */
    GroupedCalls(Function<List<R>, List<T>> work, ToIntFunction<R> weight, int maxWeight) {
        this.work = work;
        this.weight = weight;
        this.maxWeight = maxWeight;
    }

    /** Runs {@code request}, alone or with others, and returns its result or throws its group's failure. */
    T run(R request) {
        Call<R, T> call = new Call<>(request, weight.applyAsInt(request));
        lock.lock();
        try {
            waiting.add(call);
            while (!call.finished) {
                if (running) {
                    done.awaitUninterruptibly();
                    continue;
                }
                // nothing runs: this thread runs the oldest waiting calls, its own among them or not
                running = true;
                List<Call<R, T>> group = takeOldest();
                lock.unlock();
                try {
                    runGroup(group);
                } finally {
                    lock.lock();
                    running = false;
                    done.signalAll();
                }
            }
            return call.result();
        } finally {
            lock.unlock();
        }
    }

    /** How many calls wait for their turn (for tests). */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** The calls that waited longest, in order, while the weight allows; at least one. */
    private List<Call<R, T>> takeOldest() {
        List<Call<R, T>> group = new ArrayList<>();
        int total = 0;
        while (!waiting.isEmpty()) { // weights were taken outside the lock: nothing here throws
            int w = waiting.peek().weight;
            if (!group.isEmpty() && total + w > maxWeight) {
                break; // first come, first served: the rest form the next group
            }
            total += w;
            group.add(waiting.poll());
        }
        return group;
    }

    /** Runs the work of a group outside the lock, then hands out the results (or the failure) under it. */
    private void runGroup(List<Call<R, T>> group) {
        List<T> results = null;
        Throwable failure = null;
        try {
            results = work.apply(group.stream().map(c -> c.request).toList());
            if (results.size() != group.size()) {
                throw new IllegalStateException(results.size() + " results for a group of " + group.size());
            }
        } catch (Throwable t) { // whatever it is, every call of the group must learn of it, and finish
            failure = t;
        }
        lock.lock();
        try {
            for (int i = 0; i < group.size(); i++) {
                Call<R, T> c = group.get(i);
                c.failure = failure;
                c.result = failure == null ? results.get(i) : null;
                c.finished = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** One caller's request, and once its group ran, its result or the group's failure. */
    private static final class Call<R, T> {
        final R request;
        final int weight;
        boolean finished;
        T result;
        Throwable failure;

        Call(R request, int weight) {
            this.request = request;
            this.weight = weight;
        }

        T result() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("the group this call ran in failed", failure);
            }
            return result;
        }
    }
}
