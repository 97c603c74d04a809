package io.stowage.server.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access control: every call (but health and reflection) must carry
 * {@code authorization: Bearer <token>} with a known token that has the role its method needs.
 * A missing or unknown token is UNAUTHENTICATED; a known token without the role is
 * PERMISSION_DENIED. The caller is put in the call's {@link Context} ({@link Caller#current()}).
 */
public final class BearerAuthInterceptor implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(BearerAuthInterceptor.class);
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";
    static final String HOW_TO_SEND = "send the header 'authorization: Bearer <token>' (the stowage command and"
            + " the ingest worker send STOWAGE_TOKEN; grpcurl: -H 'authorization: Bearer <token>')";

    private final Tokens tokens;
    private final MethodRoles methodRoles;

    public BearerAuthInterceptor(Tokens tokens, MethodRoles methodRoles) {
        this.tokens = tokens;
        this.methodRoles = methodRoles;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (methodRoles.isOpen(method)) {
            return next.startCall(call, headers);
        }
        String header = headers.get(AUTHORIZATION);
        if (header == null) {
            log.info("Refused {} from {}: no token", method, peer(call));
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    "this server requires a bearer token: " + HOW_TO_SEND));
        }
        Optional<String> token = bearerToken(header);
        if (token.isEmpty()) {
            log.info("Refused {} from {}: the authorization header is not 'Bearer <token>'", method, peer(call));
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    "the authorization header is not a bearer token: " + HOW_TO_SEND));
        }
        Optional<Caller> caller = tokens.authenticate(token.get());
        if (caller.isEmpty()) {
            log.warn("Refused {} from {}: unknown token", method, peer(call));
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    "the bearer token is not known to this server (is it in STOWAGE_TOKENS_FILE?)"));
        }
        Role needed = methodRoles.required(method);
        if (!caller.get().has(needed)) {
            log.warn("Refused {} to '{}' from {}: it needs the role {}, the token has {}", method, caller.get().name(),
                    peer(call), needed.label(), Role.labels(caller.get().roles()));
            return refuse(call, Status.PERMISSION_DENIED.withDescription(method + " needs the role '" + needed.label()
                    + "'; the token of '" + caller.get().name() + "' has " + Role.labels(caller.get().roles())));
        }
        Context context = Context.current().withValue(Caller.CONTEXT_KEY, caller.get());
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** The token of {@code Bearer <token>} (the scheme in any case, RFC 6750), if that is the form. */
    static Optional<String> bearerToken(String header) {
        String value = header.strip();
        if (value.length() <= BEARER.length() || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT)
                .equals(BEARER)) {
            return Optional.empty();
        }
        String token = value.substring(BEARER.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }

    private static Object peer(ServerCall<?, ?> call) {
        Object address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return address == null ? "an unknown address" : address;
    }
}
