package io.stowage.server.storage.blob;

import io.stowage.server.storage.error.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Objects as files under a root directory. A put writes a hidden temporary file beside the
 * target, forces it to disk, renames it into place atomically and forces the directory, so a
 * crash leaves the old object, the new one, or a temporary file that listing ignores.
 */
public final class FileBlobStore implements BlobStore {
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path root;

    public FileBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void checkAccess() {
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, TEMP_PREFIX, ".probe");
            Files.delete(probe);
        } catch (IOException e) {
            throw new StorageException("the data directory " + root + " is not writable: " + e
                    + " (set STOWAGE_DATA_DIR to a writable directory)", e);
        }
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public void put(String key, byte[] content) {
        Path target = resolve(key);
        Path dir = target.getParent();
        // 64 random bits: a clash with another write or a crash's leftover is not to be expected, and
        // CREATE_NEW would refuse it rather than share the file
        Path temp = dir.resolve(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-"
                + target.getFileName());
        try {
            if (!Files.isDirectory(dir)) { // createDirectories alone throws and catches an exception when it exists
                Files.createDirectories(dir);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw translate("write", key, e); // the temporary file is another write's: not ours to delete
        } catch (IOException e) {
            deleteQuietly(temp);
            throw translate("write", key, e);
        }
    }

    @Override
    public byte[] read(String key) {
        try {
            return Files.readAllBytes(resolve(key));
        } catch (IOException e) {
            throw translate("read", key, e);
        }
    }

    @Override
    public byte[] readRange(String key, long offset, int length) {
        try (FileChannel ch = FileChannel.open(resolve(key), StandardOpenOption.READ)) {
            if (offset + length > ch.size()) {
                throw new StorageException("range " + offset + "+" + length + " is past the end of " + key
                        + " (" + ch.size() + " bytes)");
            }
            ByteBuffer buf = ByteBuffer.allocate(length);
            long pos = offset;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new StorageException("unexpected end of " + key);
                }
                pos += n;
            }
            return buf.array();
        } catch (IOException e) {
            throw translate("read", key, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw translate("delete", key, e);
        }
    }

    @Override
    public long deleteMeasured(String key) {
        Path path = resolve(key);
        try {
            long size = Files.size(path);
            Files.deleteIfExists(path);
            return size;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw translate("delete", key, e);
        }
    }

    @Override
    public void list(String prefix, Consumer<BlobInfo> action) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .map(p -> new BlobInfo(root.relativize(p).toString().replace('\\', '/'), size(p)))
                    .filter(info -> info.key().startsWith(prefix))
                    .forEach(action);
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException("could not list " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // nothing held open
    }

    private Path resolve(String key) {
        Path path = root.resolve(BlobKeys.requireSafe(key)).normalize();
        if (!path.startsWith(root)) {
            throw new StorageException("object key escapes the data directory: " + key);
        }
        return path;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (AccessDeniedException e) {
            // some file systems do not allow opening a directory; the rename is still atomic
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file is ignored by listing and harmless
        }
    }

    private RuntimeException translate(String op, String key, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new BlobNotFoundException(key);
        }
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
        return new StorageException("could not " + op + " " + key + " under " + root + ": " + reason, e);
    }
}
