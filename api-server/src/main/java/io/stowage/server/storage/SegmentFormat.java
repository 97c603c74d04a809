package io.stowage.server.storage;

import io.stowage.api.ApiLimits;
import io.stowage.common.bson.DocumentFrames;
import java.util.Locale;

/**
 * How new segments store their documents, and how much a reader accepts from one compressed
 * document. Readers take both forms whatever the setting (see {@link DocumentFrames}); a segment
 * is written in one form only, and its key says which: {@code .bson} for plain documents,
 * {@code .bson.zst} for one zstd frame per document.
 *
 * @param compression the form of the documents of new segments (and of segments Clean rewrites)
 * @param level the zstd level of new frames
 * @param maxDocumentBytes the most bytes a frame may declare as its content before it is read
 */
public record SegmentFormat(Compression compression, int level, int maxDocumentBytes) {
    /**
     * On documents of about 1 KiB, levels 1 to 19 store within 2% of each other, and level 1 (a
     * frame of 1.4 KiB in about 7 µs of CPU here) costs the least; 3, zstd's own default, about 15%
     * more CPU for the same size. Higher levels pay only on large documents. Negative (fast)
     * levels give up most of the saving (no entropy coding of literals).
     */
    public static final int DEFAULT_LEVEL = 1;
    public static final SegmentFormat PLAIN = new SegmentFormat(Compression.NONE, DEFAULT_LEVEL,
            maxDocumentBytes(ApiLimits.DEFAULT_MAX_MESSAGE_BYTES));

    /** The stored form of documents. */
    public enum Compression {
        NONE, ZSTD;

        public static Compression parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "zstd" -> ZSTD;
                default -> throw new IllegalArgumentException("expected none or zstd");
            };
        }
    }

    public static SegmentFormat zstd(int level) {
        return new SegmentFormat(Compression.ZSTD, level, PLAIN.maxDocumentBytes);
    }

    /**
     * A BSON document can be several times its message's protobuf encoding (each header and
     * attribute carries field names), and the limit may have been higher when it was written: 16
     * times the message limit, at least 128 MiB. Enough for any real document, and a damaged frame
     * header cannot make a reader allocate gigabytes.
     */
    public static int maxDocumentBytes(int maxMessageBytes) {
        return (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(128L << 20, 16L * maxMessageBytes));
    }

    public boolean compressed() {
        return compression == Compression.ZSTD;
    }

    /** The end of the key of a segment written in this form. */
    public String suffix() {
        return compressed() ? ObjectKeys.COMPRESSED_SUFFIX : ObjectKeys.PLAIN_SUFFIX;
    }

    /** The BSON document stored as {@code stored} (a frame or a plain document). */
    public byte[] unwrap(byte[] stored) {
        return DocumentFrames.unwrap(stored, maxDocumentBytes);
    }

    /** Likewise with {@code decoder}, for many documents in a row. */
    public byte[] unwrap(DocumentFrames.Decoder decoder, byte[] stored) {
        return decoder.unwrap(stored, maxDocumentBytes);
    }
}
