package io.stowage.server.auth;

import io.grpc.Context;
import java.util.Optional;
import java.util.Set;

/**
 * Who made a call: the name and roles of the token it presented, as the tokens file gives them.
 * Inside a call, {@link #current()} returns it (for logs), when the API requires tokens.
 */
public record Caller(String name, Set<Role> roles) {
    static final Context.Key<Caller> CONTEXT_KEY = Context.key("stowage-caller");

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** The caller of the current gRPC call, or empty when the API is open. */
    public static Optional<Caller> current() {
        return Optional.ofNullable(CONTEXT_KEY.get());
    }
}
