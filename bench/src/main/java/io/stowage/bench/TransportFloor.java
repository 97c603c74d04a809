package io.stowage.bench;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.stowage.api.ApiLimits;
import io.stowage.api.v1.MessagesGrpc;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.PutBatchResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * What a PutBatch costs before the server does any work: a gRPC server in the bench's JVM, on the
 * api-server's transport (grpc-netty-shaded with its defaults, room for a batch of the default
 * limit; without the api-server's interceptors for metrics and tokens), that parses each batch and
 * acknowledges it at once, storing nothing. B2 sends it the same batches through the same
 * client: serializing them, HTTP/2 over the loopback socket and parsing them is the part of a
 * PutBatch that no storage or index work can remove.
 */
final class TransportFloor implements AutoCloseable {
    private final Server server;

    private TransportFloor(Server server) {
        this.server = server;
    }

    static TransportFloor start() throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .maxInboundMessageSize(ApiLimits.DEFAULT_MAX_BATCH_BYTES + 1024 * 1024)
                .addService(new Discarding())
                .build()
                .start();
        return new TransportFloor(server);
    }

    /** Where a {@link io.stowage.client.StowageClient} reaches it. */
    String target() {
        return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() {
        try {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Acknowledges every message of a batch, which gRPC has parsed by then, and keeps none. */
    private static final class Discarding extends MessagesGrpc.MessagesImplBase {
        @Override
        public void putBatch(PutBatchRequest request, StreamObserver<PutBatchResponse> observer) {
            observer.onNext(PutBatchResponse.newBuilder().setAckCount(request.getMsgsCount()).build());
            observer.onCompleted();
        }
    }
}
