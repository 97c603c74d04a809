package io.stowage.embedded;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * An S3-compatible server (S3Proxy) on a loopback port, holding objects in memory or in a
 * directory. It checks AWS signatures with a fixed access key, so clients exercise the same
 * signing path as against real S3.
 */
public final class LocalS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "stowage-local";
    public static final String SECRET_KEY = "stowage-local-secret";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStore store;

    private LocalS3(S3Proxy proxy, BlobStore store) {
        this.proxy = proxy;
        this.store = store;
    }

    /** An S3 server whose objects live in memory and are gone after {@link #close()}. */
    public static LocalS3 startInMemory() {
        return start(BlobStores.create("transient", new Properties()));
    }

    /** An S3 server whose objects are files under {@code dir}. */
    public static LocalS3 startInDirectory(Path dir) {
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        return start(BlobStores.create("filesystem", props));
    }

    private static LocalS3 start(BlobStore store) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the local S3 server: " + e.getMessage(), e);
        }
        return new LocalS3(proxy, store);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Creates a bucket if it is not there yet. */
    public void createBucket(String bucket) {
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the local S3 server", e);
        } finally {
            store.close();
        }
    }
}
