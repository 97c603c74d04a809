package io.stowage.server.config;

/** The PostgreSQL database that holds the index. */
public record JdbcTarget(String url, String user, String password) {
    @Override
    public String toString() {
        return url;
    }
}
