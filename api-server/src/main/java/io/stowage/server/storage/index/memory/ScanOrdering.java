package io.stowage.server.storage.index.memory;

import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.MessageIds;
import io.stowage.server.storage.index.ScanOrder;
import io.stowage.server.storage.index.ScanPosition;
import io.stowage.server.storage.index.ScanQuery;
import java.util.Comparator;

/** Which rows a scan selects and in which order, as the PostgreSQL statement selects and orders them. */
final class ScanOrdering {
    private static final Comparator<IndexEntry> TIME = Comparator.comparing(IndexEntry::time)
            .thenComparing(IndexEntry::id, MessageIds.ORDER);
    private static final Comparator<IndexEntry> KAFKA = Comparator.comparing(IndexEntry::kafkaPartition)
            .thenComparing(IndexEntry::kafkaOffset).thenComparing(IndexEntry::id, MessageIds.ORDER);

    private final ScanQuery q;
    private final boolean kafkaOrder;

    ScanOrdering(ScanQuery q) {
        this.q = q;
        this.kafkaOrder = q.order() == ScanOrder.KAFKA_OFFSET;
    }

    Comparator<IndexEntry> comparator() {
        return kafkaOrder ? KAFKA : TIME;
    }

    boolean matches(IndexEntry e) {
        if (!e.stream().equals(q.stream()) || (q.type().isPresent() && !q.type().get().equals(e.type()))
                || e.time().isBefore(q.from()) || !e.time().isBefore(q.to())) {
            return false;
        }
        if ((kafkaOrder || q.kafkaPartition().isPresent()) && e.kafkaPartition() == null) {
            return false;
        }
        if (q.kafkaPartition().isPresent() && !q.kafkaPartition().get().equals(e.kafkaPartition())) {
            return false;
        }
        return q.after().isEmpty() || isAfter(e, q.after().get());
    }

    private boolean isAfter(IndexEntry e, ScanPosition p) {
        if (kafkaOrder) {
            int c = Integer.compare(e.kafkaPartition(), p.kafkaPartition());
            c = c != 0 ? c : Long.compare(e.kafkaOffset(), p.kafkaOffset());
            return (c != 0 ? c : MessageIds.ORDER.compare(e.id(), p.id())) > 0;
        }
        int c = e.time().compareTo(p.time());
        return (c != 0 ? c : MessageIds.ORDER.compare(e.id(), p.id())) > 0;
    }
}
