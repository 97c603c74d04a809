package io.stowage.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * Sends stream results only as fast as the client takes them, so a long scan to a slow client
 * holds a bounded amount of memory; stops when the client cancels.
 */
final class FlowControlledSender<T> {
    private final ServerCallStreamObserver<T> observer;
    private final Object lock = new Object();
    private volatile boolean cancelled;

    FlowControlledSender(ServerCallStreamObserver<T> observer) {
        this.observer = observer;
        observer.setOnReadyHandler(this::wake);
        observer.setOnCancelHandler(() -> {
            cancelled = true;
            wake();
        });
    }

    /** Sends {@code item} once the transport is ready; false if the client has gone. */
    boolean send(T item) {
        synchronized (lock) {
            while (!observer.isReady() && !cancelled) {
                try {
                    lock.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        if (cancelled) {
            return false;
        }
        observer.onNext(item);
        return true;
    }

    boolean isCancelled() {
        return cancelled;
    }

    private void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }
}
