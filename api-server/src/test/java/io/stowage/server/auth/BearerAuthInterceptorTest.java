package io.stowage.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.stowage.server.StowageServer;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.SecureChannels;
import io.stowage.server.testing.TestBackends;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The interceptor on its own, in-process, with a service that no one has given a role. */
class BearerAuthInterceptorTest {
    static final MethodDescriptor<StringValue, StringValue> WHOAMI = MethodDescriptor.<StringValue, StringValue>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.v1.Probe/WhoAmI")
            .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
            .build();

    Server server;
    ManagedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            SecureChannels.close(channel);
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void aMethodWithoutARoleNeedsAdminAndTheCallerIsInTheContext(TestInfo info) throws Exception {
        Tokens tokens = TokenFile.parse(List.of(Tokens.sha256Hex("reader") + " read,write,delete reader",
                Tokens.sha256Hex("root") + " admin the operator"));
        start(info, tokens);

        assertThatThrownBy(() -> call("reader"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("test.v1.Probe/WhoAmI needs the role"
                            + " 'admin'; the token of 'reader' has read,write,delete");
                });
        assertThat(call("root")).isEqualTo("the operator");
    }

    @Test
    void onlyABearerTokenIsAccepted(TestInfo info) throws Exception {
        start(info, TokenFile.parse(List.of(Tokens.sha256Hex("root") + " admin")));

        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel.newCall(WHOAMI, CallOptions.DEFAULT),
                StringValue.of("")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).contains("'authorization: Bearer <token>'");
                });
        for (String header : List.of("Basic cm9vdDpyb290", "Bearer", "Bearer ", "root")) {
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel,
                    SecureChannels.authorization(header)), WHOAMI, CallOptions.DEFAULT, StringValue.of("")))
                    .as(header)
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.UNAUTHENTICATED));
        }
        assertThat(BearerAuthInterceptor.bearerToken("bearer  root ")).hasValue("root");
        assertThat(BearerAuthInterceptor.bearerToken("BEARER root")).hasValue("root");
    }

    @Test
    void everyMethodTheServerServesHasARoleOrIsOpen(TestInfo info, @TempDir Path tempDir) {
        try (ArchiveServer archive = ArchiveServer.start(info.getDisplayName(), ArchiveServer.Backend.FILES, tempDir,
                Map.of())) {
            List<String> methods = StowageServer.services(archive.storage()).stream()
                    .map(BindableService::bindService)
                    .flatMap(s -> s.getMethods().stream())
                    .map(m -> m.getMethodDescriptor().getFullMethodName())
                    .toList();

            assertThat(methods).contains("stowage.v1.Messages/PutBatch", "stowage.v1.Admin/Status");
            assertThat(methods)
                    .as("a method the API serves has no role in MethodRoles.DEFAULT (it would need admin); decide"
                            + " who may call it")
                    .allSatisfy(m -> assertThat(MethodRoles.DEFAULT.listed(m)).as(m).isPresent());
        }
    }

    @Test
    void theRolesOfTheApi() {
        MethodRoles roles = MethodRoles.DEFAULT;
        assertThat(roles.required("stowage.v1.Messages/PutBatch")).isEqualTo(Role.WRITE);
        assertThat(roles.required("stowage.v1.Messages/GetBatch")).isEqualTo(Role.READ);
        assertThat(roles.required("stowage.v1.Messages/Scan")).isEqualTo(Role.READ);
        assertThat(roles.required("stowage.v1.Admin/Status")).isEqualTo(Role.READ);
        assertThat(roles.required("stowage.v1.Messages/DeleteBatch")).isEqualTo(Role.DELETE);
        assertThat(roles.required("stowage.v1.Cleaner/Clean")).isEqualTo(Role.ADMIN);
        assertThat(roles.required("stowage.v1.Admin/Verify")).isEqualTo(Role.ADMIN);
        assertThat(roles.required("awakari.messages.Service/PutBatch")).isEqualTo(Role.WRITE);
        assertThat(roles.required("awakari.messages.Service/GetBatch")).isEqualTo(Role.READ);
        assertThat(roles.required("awakari.messages.Service/DeleteBatch")).isEqualTo(Role.DELETE);
        assertThat(roles.required("awakari.messages.cleaner.Service/Clean")).isEqualTo(Role.ADMIN);
        assertThat(roles.required("stowage.v1.Admin/SomethingNew")).isEqualTo(Role.ADMIN);
        assertThat(roles.isOpen("grpc.health.v1.Health/Check")).isTrue();
        assertThat(roles.isOpen("grpc.health.v1.Health/Watch")).isTrue();
        assertThat(roles.isOpen("grpc.reflection.v1.ServerReflection/ServerReflectionInfo")).isTrue();
        assertThat(roles.isOpen("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")).isTrue();
        assertThat(roles.isOpen("stowage.v1.Messages/GetBatch")).isFalse();
        assertThat(roles.isOpen("grpc.health.v1.HealthX/Check")).isFalse();
    }

    private void start(TestInfo info, Tokens tokens) throws Exception {
        String name = TestBackends.uniqueName(info.getDisplayName());
        ServerServiceDefinition probe = ServerServiceDefinition.builder("test.v1.Probe")
                .addMethod(WHOAMI, ServerCalls.asyncUnaryCall((request, observer) -> {
                    observer.onNext(StringValue.of(Caller.current().map(Caller::name).orElse("nobody")));
                    observer.onCompleted();
                }))
                .build();
        server = InProcessServerBuilder.forName(name).addService(probe)
                .intercept(new BearerAuthInterceptor(tokens, MethodRoles.DEFAULT)).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    private String call(String token) {
        return ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel, SecureChannels.bearer(token)),
                WHOAMI, CallOptions.DEFAULT, StringValue.of("")).getValue();
    }
}
