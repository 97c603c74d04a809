package io.stowage.server.storage;

import io.stowage.server.storage.index.MessageLocation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a GetBatch into what one response carries and what is left, by the lengths the index
 * holds, before any byte is read: memory stays bounded however large the messages asked for. The
 * part sent is a prefix of the known ids in request order, so that the caller, asking again for
 * the rest, gets everything in request order; it holds at least one message, so every round
 * makes progress.
 */
public final class ResponseBudget {
    private ResponseBudget() {}

    /**
     * @param ids the requested ids, unique, in request order
     * @param located where the known ones are; unknown ids have no location and are left out
     * @param budget bytes of stored documents the response may carry
     */
    public static Split split(Collection<String> ids, List<MessageLocation> located, long budget) {
        Map<String, MessageLocation> byId = new HashMap<>(located.size() * 2);
        located.forEach(l -> byId.put(l.id(), l));
        List<MessageLocation> now = new ArrayList<>();
        List<String> remaining = new ArrayList<>();
        long used = 0;
        for (String id : ids) {
            MessageLocation l = byId.get(id);
            if (l == null) {
                continue;
            }
            if (remaining.isEmpty() && (now.isEmpty() || used + l.length() <= budget)) {
                now.add(l);
                used += l.length();
            } else {
                remaining.add(id);
            }
        }
        return new Split(now, remaining);
    }

    /** The locations to read now, and the known ids to leave for the next call, in request order. */
    public record Split(List<MessageLocation> now, List<String> remaining) {
        /** The stored bytes to read now. */
        public long bytes() {
            return now.stream().mapToLong(MessageLocation::length).sum();
        }
    }
}
