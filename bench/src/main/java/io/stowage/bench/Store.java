package io.stowage.bench;

import java.nio.file.Path;

/** Where a server keeps its segments: files in a directory (the embedded default) or a bucket of the S3 server. */
sealed interface Store {
    String label();

    record Directory(Path path) implements Store {
        @Override
        public String label() {
            return "files";
        }
    }

    record Bucket(String name) implements Store {
        @Override
        public String label() {
            return "S3";
        }
    }
}
