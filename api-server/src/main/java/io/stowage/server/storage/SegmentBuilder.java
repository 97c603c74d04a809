package io.stowage.server.storage;

import java.util.Arrays;

/** Appends BSON documents into one segment object, remembering where each one is. */
final class SegmentBuilder {
    private byte[] buf;
    private int size;

    SegmentBuilder(int expectedBytes) {
        buf = new byte[Math.max(expectedBytes, 1024)];
    }

    /** Appends {@code doc} and returns its byte offset in the segment. */
    int append(byte[] doc) {
        return append(doc, 0, doc.length);
    }

    int append(byte[] src, int from, int length) {
        if (size + length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + length));
        }
        System.arraycopy(src, from, buf, size, length);
        int offset = size;
        size += length;
        return offset;
    }

    int size() {
        return size;
    }

    byte[] toBytes() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
}
