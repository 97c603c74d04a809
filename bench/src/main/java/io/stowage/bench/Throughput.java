package io.stowage.bench;

/** Records and payload bytes moved in a measured time. */
record Throughput(long records, long bytes, long nanos) {

    Throughput {
        if (nanos <= 0) {
            throw new IllegalArgumentException("a measured time must be positive, not " + nanos + " ns");
        }
    }

    double recordsPerSecond() {
        return records * 1e9 / nanos;
    }

    /** Megabytes (10^6 bytes) of payload per second. */
    double megabytesPerSecond() {
        return bytes * 1e9 / nanos / 1e6;
    }

    double seconds() {
        return nanos / 1e9;
    }
}
