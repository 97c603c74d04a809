package io.stowage.common.bson;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.util.Arrays;
import org.bson.io.BasicOutputBuffer;

/**
 * The two stored forms of a message document: the plain BSON document, or one zstd frame that
 * holds exactly that document. A frame starts with the zstd magic {@code 28 B5 2F FD}, which
 * read as a BSON document's little-endian int32 length is negative, so the first four bytes tell
 * the forms apart and both can be read side by side. Frames are written with their content size
 * (checked against a limit before anything is allocated) and the frame checksum (so that
 * {@code zstd -d} and this reader both notice damage in the frame itself).
 */
public final class DocumentFrames {
    /** The zstd frame magic, as the little-endian int32 the first four bytes of a frame read as. */
    static final int MAGIC = 0xFD2FB528;

    private DocumentFrames() {}

    /** Whether {@code bytes[offset, offset+length)} starts as a zstd frame (else it is read as BSON). */
    public static boolean isFrame(byte[] bytes, int offset, int length) {
        return length >= 4 && (bytes[offset] & 0xFF) == 0x28 && (bytes[offset + 1] & 0xFF) == 0xB5
                && (bytes[offset + 2] & 0xFF) == 0x2F && (bytes[offset + 3] & 0xFF) == 0xFD;
    }

    public static boolean isFrame(byte[] bytes) {
        return isFrame(bytes, 0, bytes.length);
    }

    /**
     * The length of the document stored as {@code stored}, before reading it: its own length when
     * plain, the content size a frame declares (-1 when it declares none or is damaged).
     */
    public static long documentSize(byte[] stored) {
        return isFrame(stored) ? Math.max(-1, Zstd.getFrameContentSize(stored, 0, stored.length)) : stored.length;
    }

    /**
     * The BSON document stored as {@code stored}: the bytes themselves when they are a plain
     * document, the content of the frame when they are a frame. A frame that does not declare its
     * content size, declares more than {@code maxBytes}, is not exactly one whole frame, or fails
     * its checksum is refused with a {@link DocumentFormatException}.
     */
    public static byte[] unwrap(byte[] stored, int maxBytes) {
        if (!isFrame(stored)) {
            return stored;
        }
        try (Decoder decoder = decoder()) {
            return decoder.unwrap(stored, maxBytes);
        }
    }

    /** Reads frames with one decompression context; not thread-safe; close it to free its native memory. */
    public static Decoder decoder() {
        return new Decoder();
    }

    /** Unwraps documents, reusing one decompression context (a new one per frame costs more than the frame). */
    public static final class Decoder implements AutoCloseable {
        private ZstdDecompressCtx ctx;

        private Decoder() {}

        /** As {@link DocumentFrames#unwrap(byte[], int)}. */
        public byte[] unwrap(byte[] stored, int maxBytes) {
            if (!isFrame(stored)) {
                return stored;
            }
            long size = Zstd.getFrameContentSize(stored, 0, stored.length);
            if (size < 0) {
                throw new DocumentFormatException("a zstd frame that does not declare its content size (or whose"
                        + " header is damaged): not written by Stowage");
            }
            if (size > maxBytes) {
                throw new DocumentFormatException("a zstd frame declares " + size + " bytes of content, more than the "
                        + maxBytes + " bytes a stored document may have");
            }
            if (ctx == null) {
                ctx = new ZstdDecompressCtx();
            }
            byte[] document = new byte[(int) size];
            int n;
            try {
                n = ctx.decompressByteArray(document, 0, document.length, stored, 0, stored.length);
            } catch (ZstdException e) {
                ctx.reset();
                throw new DocumentFormatException("a damaged zstd frame: " + e.getMessage(), e);
            }
            if (n != size) {
                throw new DocumentFormatException("a zstd frame declares " + size + " bytes of content but holds " + n);
            }
            return document;
        }

        @Override
        public void close() {
            if (ctx != null) {
                ctx.close();
            }
        }
    }

    /** Writes frames at one compression level; not thread-safe; close it to free its native memory. */
    public static Encoder encoder(int level) {
        return new Encoder(level);
    }

    /** Frames documents, reusing one compression context and one output buffer. */
    public static final class Encoder implements AutoCloseable {
        private final ZstdCompressCtx ctx;
        private byte[] scratch = new byte[0];

        private Encoder(int level) {
            ctx = new ZstdCompressCtx().setLevel(level).setChecksum(true).setContentSize(true);
        }

        /** Appends the frame of {@code document[offset, offset+length)} to {@code out}; returns the frame's length. */
        public int frame(byte[] document, int offset, int length, BasicOutputBuffer out) {
            int bound = (int) Zstd.compressBound(length);
            if (scratch.length < bound) {
                scratch = new byte[Math.max(bound, scratch.length * 2)];
            }
            int n = ctx.compressByteArray(scratch, 0, scratch.length, document, offset, length);
            out.writeBytes(scratch, 0, n);
            return n;
        }

        /** The frame of {@code document}. */
        public byte[] frame(byte[] document) {
            BasicOutputBuffer out = new BasicOutputBuffer(document.length + 64);
            frame(document, 0, document.length, out);
            return Arrays.copyOf(out.getInternalBuffer(), out.getPosition());
        }

        @Override
        public void close() {
            ctx.close();
        }
    }
}
