package io.stowage.export;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Page compression for the writer, straight over zstd-jni, snappy-java and the JDK's gzip.
 * Parquet's own codec factory goes through Hadoop's configuration and codec classes, which would
 * bring most of Hadoop onto the class path; this one needs none of it. Write only.
 */
final class Codecs implements CompressionCodecFactory {
    private static final int ZSTD_LEVEL = 3;

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return new BytesInputCompressor() {
            @Override
            @SuppressWarnings("deprecation") // toByteArray is the one copy-out that works for every BytesInput
            public BytesInput compress(BytesInput bytes) throws IOException {
                byte[] in = bytes.toByteArray();
                return BytesInput.from(switch (codec) {
                    case UNCOMPRESSED -> in;
                    case ZSTD -> Zstd.compress(in, ZSTD_LEVEL);
                    case SNAPPY -> Snappy.compress(in);
                    case GZIP -> gzip(in);
                    default -> throw new IllegalArgumentException("compression " + codec + " is not supported here");
                });
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) {
                throw new UnsupportedOperationException("the export only writes Parquet");
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) {
                throw new UnsupportedOperationException("the export only writes Parquet");
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public void release() {}

    private static byte[] gzip(byte[] in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(in);
        }
        return out.toByteArray();
    }
}
