package io.stowage.server.storage.error;

/** What storage depends on, named as operators know it; an outage of one is logged once. */
public enum Dependency {
    BLOB_STORE("blob store"),
    INDEX("index database");

    private final String label;

    Dependency(String label) {
        this.label = label;
    }

    /** The name in logs and the {@code dependency} tag of metrics. */
    public String label() {
        return label;
    }
}
