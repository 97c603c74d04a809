package io.stowage.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A {@link BatchSink} the test drives: it keeps what it is sent until the test acknowledges or gives
 * up each batch, or settles every batch at once when asked to.
 */
final class ScriptedSink implements BatchSink {
    private final List<Batch> sent = new ArrayList<>();
    private final Map<Batch, Outcome> pending = new ConcurrentHashMap<>();
    private volatile boolean ackAtOnce;
    private volatile Consumer<Batch> onSend = b -> { };
    private volatile boolean closed;

    /** Acknowledges every batch as soon as it is sent, from the sending thread. */
    ScriptedSink ackingAtOnce() {
        ackAtOnce = true;
        return this;
    }

    /** Runs {@code action} after each batch is handed over. */
    void onSend(Consumer<Batch> action) {
        onSend = action;
    }

    @Override
    public void send(Batch batch, Outcome outcome) {
        synchronized (sent) {
            sent.add(batch);
        }
        if (ackAtOnce) {
            outcome.settled(batch, true);
        } else {
            pending.put(batch, outcome);
        }
        onSend.accept(batch);
    }

    List<Batch> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    Batch sent(int index) {
        return sent().get(index);
    }

    void ack(Batch batch) {
        pending.remove(batch).settled(batch, true);
    }

    void giveUp(Batch batch) {
        pending.remove(batch).settled(batch, false);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close(Duration wait) {
        closed = true;
    }
}
