package io.stowage.server.grpc;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request that does not parse (bytes that are not protobuf, a string field that is not
 * UTF-8) with INVALID_ARGUMENT and what is wrong. grpc-java parses a request before any
 * interceptor or service sees it and turns a parse failure into UNKNOWN, which tells the caller
 * nothing; here the parse failure travels on as a value, and the call is refused before it reaches
 * the service.
 */
public final class RequestParsing {
    private RequestParsing() {}

    /** {@code service} with every method's request parsing guarded; schema (for reflection) kept. */
    public static ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> guarded = guard(method);
            methods.add(guarded);
            descriptor.addMethod(guarded.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder result = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(result::addMethod);
        return result.build();
    }

    private static <Q, R> ServerMethodDefinition<Object, R> guard(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> md = method.getMethodDescriptor();
        MethodDescriptor<Object, R> guarded = md.toBuilder(new Lenient<>(md.getRequestMarshaller()),
                md.getResponseMarshaller()).build();
        return ServerMethodDefinition.create(guarded, new Handler<>(method.getServerCallHandler(), md));
    }

    /** A request that did not parse. */
    private record Unparsable(RuntimeException failure) {}

    /** The method's own marshaller, returning an {@link Unparsable} instead of throwing. */
    private record Lenient<Q>(MethodDescriptor.Marshaller<Q> inner) implements MethodDescriptor.Marshaller<Object> {
        @Override
        @SuppressWarnings("unchecked")
        public InputStream stream(Object value) {
            return inner.stream((Q) value);
        }

        @Override
        public Object parse(InputStream stream) {
            try {
                return inner.parse(stream);
            } catch (RuntimeException e) {
                return new Unparsable(e);
            }
        }
    }

    private record Handler<Q, R>(ServerCallHandler<Q, R> inner, MethodDescriptor<Q, R> method)
            implements ServerCallHandler<Object, R> {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public ServerCall.Listener<Object> startCall(ServerCall<Object, R> call, Metadata headers) {
            ServerCall.Listener<Q> listener = inner.startCall((ServerCall) call, headers);
            return new ServerCall.Listener<>() {
                private boolean refused;

                @Override
                public void onMessage(Object message) {
                    if (refused) {
                        return;
                    }
                    if (message instanceof Unparsable bad) {
                        refused = true;
                        call.close(Status.INVALID_ARGUMENT.withDescription(describe(bad)), new Metadata());
                        return;
                    }
                    listener.onMessage((Q) message);
                }

                @Override
                public void onHalfClose() {
                    if (!refused) {
                        listener.onHalfClose();
                    }
                }

                @Override
                public void onCancel() {
                    listener.onCancel();
                }

                @Override
                public void onComplete() {
                    listener.onComplete();
                }

                @Override
                public void onReady() {
                    if (!refused) {
                        listener.onReady();
                    }
                }
            };
        }

        private String requestType() {
            if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
                    && p.getMessagePrototype() instanceof com.google.protobuf.Message m) {
                return m.getDescriptorForType().getFullName();
            }
            return "protobuf message";
        }

        private String describe(Unparsable bad) {
            Throwable cause = bad.failure().getCause() != null ? bad.failure().getCause() : bad.failure();
            return "the " + method.getFullMethodName() + " request is not a valid " + requestType() + ": "
                    + cause.getMessage() + " (send that protobuf message; its string fields must be UTF-8);"
                    + " nothing was done";
        }
    }
}
