package io.stowage.server.storage;

import io.stowage.api.v1.Message;
import io.stowage.common.bson.MessageCodec;
import java.time.Instant;
import org.bson.io.BasicOutputBuffer;

/**
 * Builds one segment object: BSON documents written back to back straight into one buffer,
 * remembering where each one starts.
 */
public final class SegmentBuilder {
    private final BasicOutputBuffer out;

    public SegmentBuilder(int expectedBytes) {
        out = new BasicOutputBuffer(Math.max(expectedBytes, 1024));
    }

    /** Writes the document of {@code msg}; returns its byte offset (its length is {@link #size()} minus that). */
    public int append(Message msg, Instant storedAt) {
        int offset = out.getPosition();
        MessageCodec.encodeInto(out, msg, storedAt);
        return offset;
    }

    /** Copies a stored document as it is; returns its byte offset. */
    public int append(byte[] document) {
        int offset = out.getPosition();
        out.writeBytes(document);
        return offset;
    }

    public int size() {
        return out.getPosition();
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }
}
