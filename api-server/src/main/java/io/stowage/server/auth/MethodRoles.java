package io.stowage.server.auth;

import io.grpc.MethodDescriptor;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The role each gRPC method needs, by full method name ({@code stowage.v1.Messages/PutBatch}).
 * A method that is not listed needs {@link Role#ADMIN}, so a method added later is closed until
 * someone decides who may call it. Health checking and reflection are open to all.
 */
public final class MethodRoles {
    /** Services anyone may call: health probes, and reflection so that grpcurl can list the API. */
    public static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");

    /** Stowage's own API and the awakari-compatible services. */
    public static final MethodRoles DEFAULT = new MethodRoles(Map.ofEntries(
            Map.entry("stowage.v1.Messages/PutBatch", Role.WRITE),
            Map.entry("stowage.v1.Messages/GetBatch", Role.READ),
            Map.entry("stowage.v1.Messages/Scan", Role.READ),
            Map.entry("stowage.v1.Messages/Count", Role.READ),
            Map.entry("stowage.v1.Messages/DeleteBatch", Role.DELETE),
            Map.entry("stowage.v1.Admin/Status", Role.READ),
            Map.entry("stowage.v1.Admin/Verify", Role.ADMIN),
            Map.entry("stowage.v1.Cleaner/Clean", Role.ADMIN),
            Map.entry("stowage.v1.ClusterState/PutCapture", Role.WRITE),
            Map.entry("stowage.v1.ClusterState/GetCapture", Role.READ),
            Map.entry("awakari.messages.Service/PutBatch", Role.WRITE),
            Map.entry("awakari.messages.Service/GetBatch", Role.READ),
            Map.entry("awakari.messages.Service/DeleteBatch", Role.DELETE),
            Map.entry("awakari.messages.cleaner.Service/Clean", Role.ADMIN)));

    private final Map<String, Role> roles;

    public MethodRoles(Map<String, Role> roles) {
        this.roles = Map.copyOf(roles);
    }

    /** True for the methods of {@link #OPEN_SERVICES}, which need no token. */
    public boolean isOpen(String fullMethodName) {
        String service = MethodDescriptor.extractFullServiceName(fullMethodName);
        return service != null && OPEN_SERVICES.contains(service);
    }

    /** The role a method needs: its own, or admin when it is not listed. */
    public Role required(String fullMethodName) {
        return roles.getOrDefault(fullMethodName, Role.ADMIN);
    }

    /** The role listed for this method, if it is listed (to check that every method has one). */
    public Optional<Role> listed(String fullMethodName) {
        return Optional.ofNullable(roles.get(fullMethodName));
    }
}
