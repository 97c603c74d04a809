package io.stowage.server.storage.error;

import java.util.Optional;

/** A storage backend (the blob store or the index database) cannot be reached now; retry later. */
public class StorageUnavailableException extends StorageException {
    private final Dependency dependency;

    public StorageUnavailableException(String message, Throwable cause) {
        this(null, message, cause);
    }

    /** With the dependency that is down, so that its outage is logged once rather than per call. */
    public StorageUnavailableException(Dependency dependency, String message, Throwable cause) {
        super(message, cause);
        this.dependency = dependency;
    }

    /** The dependency that is down; empty when the failure is not an outage (a conflict, a slow write). */
    public Optional<Dependency> dependency() {
        return Optional.ofNullable(dependency);
    }
}
