package io.stowage.server.storage;

import io.stowage.api.v1.Message;
import io.stowage.common.bson.DocumentBuffer;
import io.stowage.common.bson.DocumentFrames;
import io.stowage.common.bson.MessageCodec;
import java.time.Instant;
import org.bson.io.BasicOutputBuffer;

/**
 * Builds one segment object: documents written back to back straight into one buffer,
 * remembering where each one starts. In the compressed form each document is one zstd frame of
 * its own (encoded into a scratch buffer first), so that a ranged read of one message is one frame
 * and {@code zstd -d} of the object gives the plain {@code .bson} dump. Close it to free the
 * compressor.
 */
public final class SegmentBuilder implements AutoCloseable {
    private final BasicOutputBuffer out;
    private final SegmentFormat format;
    private final DocumentFrames.Encoder frames;
    private final BasicOutputBuffer scratch;
    /** Unwraps frames copied into a plain segment; makes its context only when the first one comes. */
    private final DocumentFrames.Decoder unframes = DocumentFrames.decoder();

    public SegmentBuilder(int expectedBytes) {
        this(expectedBytes, SegmentFormat.PLAIN);
    }

    public SegmentBuilder(int expectedBytes, SegmentFormat format) {
        this.format = format;
        if (format.compressed()) {
            out = new BasicOutputBuffer(Math.max(expectedBytes / 2, 1024)); // frames only, no strings
            frames = DocumentFrames.encoder(format.level());
            scratch = new DocumentBuffer(4096);
        } else {
            out = new DocumentBuffer(Math.max(expectedBytes, 1024));
            frames = null;
            scratch = null;
        }
    }

    /** Writes the document of {@code msg}; returns its byte offset (its length is {@link #size()} minus that). */
    public int append(Message msg, Instant storedAt) {
        int offset = out.getPosition();
        if (frames == null) {
            MessageCodec.encodeInto(out, msg, storedAt);
        } else {
            scratch.truncateToPosition(0);
            int length = MessageCodec.encodeInto(scratch, msg, storedAt);
            frames.frame(scratch.getInternalBuffer(), 0, length, out);
        }
        return offset;
    }

    /**
     * Copies a stored document (plain or a frame) in this segment's form: as it is when it has that
     * form already, else framed or unwrapped; returns its byte offset.
     */
    public int append(byte[] stored) {
        int offset = out.getPosition();
        boolean frame = DocumentFrames.isFrame(stored);
        if (frames != null && !frame) {
            frames.frame(stored, 0, stored.length, out);
        } else if (frames == null && frame) {
            out.writeBytes(format.unwrap(unframes, stored));
        } else {
            out.writeBytes(stored);
        }
        return offset;
    }

    public int size() {
        return out.getPosition();
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }

    @Override
    public void close() {
        unframes.close();
        if (frames != null) {
            frames.close();
        }
    }
}
