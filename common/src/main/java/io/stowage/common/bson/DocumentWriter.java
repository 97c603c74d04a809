package io.stowage.common.bson;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.bson.io.BasicOutputBuffer;

/**
 * Writes BSON elements straight into a buffer, for the one document shape this project stores.
 * The field names the format fixes are encoded once ({@link Name}); payloads are copied from their
 * protobuf {@link ByteString} into the buffer once, without a byte array of their own; strings
 * (and names chosen by a producer, such as attribute names) go through the buffer's own string
 * writing, so their bytes and the refusal of a NUL in a name stay org.bson's. The bytes are those
 * {@code org.bson.BsonBinaryWriter} writes for the same calls (a test holds them to it); this
 * writer only skips its per-element bookkeeping: the state machine, the name validation of fixed
 * names, a name's encoding on every element (together a seventh of the api-server's CPU in JFR
 * of many small PutBatch calls).
 */
final class DocumentWriter {
    private static final byte STRING = 0x02;
    private static final byte DOCUMENT = 0x03;
    private static final byte ARRAY = 0x04;
    private static final byte BINARY = 0x05;
    private static final byte BOOLEAN = 0x08;
    private static final byte DATE_TIME = 0x09;
    private static final byte NULL = 0x0A;
    private static final byte INT32 = 0x10;
    private static final byte INT64 = 0x12;
    private static final byte BINARY_GENERIC = 0x00;

    /** A field name fixed by the format, as its C string (UTF-8 and the closing NUL). */
    static final class Name {
        private final byte[] cString;

        Name(String name) {
            if (name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a BSON name cannot hold a NUL");
            }
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            cString = new byte[utf8.length + 1];
            System.arraycopy(utf8, 0, cString, 0, utf8.length);
        }
    }

    private final BasicOutputBuffer out;
    private final Payloads payloads = new Payloads();

    DocumentWriter(BasicOutputBuffer out) {
        this.out = out;
    }

    /** Starts a document (the top one, or an array's element); returns what {@link #end} needs. */
    int startDocument() {
        int start = out.getPosition();
        out.writeInt32(0); // its length, known at the end
        return start;
    }

    int startDocument(Name name) {
        element(DOCUMENT, name);
        return startDocument();
    }

    /** Starts a document under a name a producer chose (checked for NUL as org.bson does). */
    int startDocument(String name) {
        out.writeByte(DOCUMENT);
        out.writeCString(name);
        return startDocument();
    }

    int startArray(Name name) {
        element(ARRAY, name);
        return startDocument();
    }

    /** Starts the array element at {@code index}, a document. */
    int startArrayDocument(int index) {
        out.writeByte(DOCUMENT);
        out.writeCString(Integer.toString(index));
        return startDocument();
    }

    /** Ends the document or array started at {@code start}. */
    void end(int start) {
        out.writeByte(0);
        out.writeInt32(start, out.getPosition() - start);
    }

    void string(Name name, String value) {
        element(STRING, name);
        out.writeString(value);
    }

    void int32(Name name, int value) {
        element(INT32, name);
        out.writeInt32(value);
    }

    void int64(Name name, long value) {
        element(INT64, name);
        out.writeInt64(value);
    }

    void dateTime(Name name, long epochMillis) {
        element(DATE_TIME, name);
        out.writeInt64(epochMillis);
    }

    void bool(Name name, boolean value) {
        element(BOOLEAN, name);
        out.writeByte(value ? 1 : 0);
    }

    void nullValue(Name name) {
        element(NULL, name);
    }

    /** Binary of the generic subtype, copied from the protobuf bytes straight into the buffer. */
    void binary(Name name, ByteString value) {
        element(BINARY, name);
        out.writeInt32(value.size());
        out.writeByte(BINARY_GENERIC);
        try {
            UnsafeByteOperations.unsafeWriteTo(value, payloads);
        } catch (IOException e) {
            throw new UncheckedIOException("a buffer in memory does not fail", e);
        }
    }

    private void element(byte type, Name name) {
        out.writeByte(type);
        out.writeBytes(name.cString);
    }

    /**
     * Hands the buffer the bytes a {@link ByteString} holds, without a copy of its own: the buffer
     * copies them, and never keeps the array it is given.
     */
    private final class Payloads extends ByteOutput {
        @Override
        public void write(byte value) {
            out.writeByte(value);
        }

        @Override
        public void write(byte[] value, int offset, int length) {
            out.writeBytes(value, offset, length);
        }

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
            out.writeBytes(value, offset, length);
        }

        @Override
        public void write(ByteBuffer value) {
            if (value.hasArray()) {
                out.writeBytes(value.array(), value.arrayOffset() + value.position(), value.remaining());
                value.position(value.limit());
            } else {
                byte[] copy = new byte[value.remaining()];
                value.get(copy);
                out.writeBytes(copy);
            }
        }

        @Override
        public void writeLazy(ByteBuffer value) {
            write(value);
        }
    }
}
