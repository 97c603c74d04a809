package io.stowage.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.stowage.api.ApiLimits;
import io.stowage.api.v1.AdminGrpc;
import io.stowage.api.v1.CleanRequest;
import io.stowage.api.v1.CleanResponse;
import io.stowage.api.v1.CleanerGrpc;
import io.stowage.api.v1.ClusterStateGrpc;
import io.stowage.api.v1.GetCaptureRequest;
import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.PutCaptureResponse;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.MessagesGrpc;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.api.v1.Rejection;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.api.v1.StatusRequest;
import io.stowage.api.v1.StatusResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A Java client for Stowage. It splits large lists into batches within the server's limits,
 * retries what is safe to retry (with capped exponential backoff), puts a deadline on every call,
 * and speaks TLS and bearer tokens when configured.
 *
 * <pre>{@code
 * try (StowageClient stowage = StowageClient.builder("localhost:50051").build()) {
 *     PutResult put = stowage.put(messages);
 *     List<Message> got = stowage.get(List.of("3426d090-1b8a-4a09-ac9c-41f2de24d5ac"));
 *     stowage.scan(ScanRequest.newBuilder().setStream("alerts").build()).forEach(System.out::println);
 * }
 * }</pre>
 */
public final class StowageClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final Optional<CallCredentials> credentials;
    private final Duration deadline;
    private final Retrier retrier;
    private final int maxBatchMessages;
    private final long maxBatchBytes;

    private StowageClient(Builder b, ManagedChannel channel, boolean ownsChannel) {
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.credentials = b.token.map(BearerToken::new);
        this.deadline = b.deadline;
        this.retrier = new Retrier(b.retry, b.retryListener);
        this.maxBatchMessages = b.maxBatchMessages;
        this.maxBatchBytes = b.maxBatchBytes;
    }

    /** A client for {@code target}, such as {@code localhost:50051} or {@code dns:///stowage:50051}. */
    public static Builder builder(String target) {
        return new Builder(target);
    }

    /**
     * Stores {@code msgs}, in as many PutBatch calls as the batch limits need. Each batch is
     * retried on its own; when this returns every message is acknowledged or listed as rejected.
     */
    public PutResult put(List<Message> msgs) {
        long acknowledged = 0;
        List<PutResult.Rejected> rejected = new ArrayList<>();
        int start = 0;
        while (start < msgs.size()) {
            int end = batchEnd(msgs, start);
            PutBatchResponse rsp = putBatch(msgs.subList(start, end));
            acknowledged += rsp.getAckCount();
            for (Rejection r : rsp.getRejectedList()) {
                rejected.add(new PutResult.Rejected(start + r.getIndex(), r.getId(), r.getReason()));
            }
            start = end;
        }
        return new PutResult(acknowledged, List.copyOf(rejected));
    }

    /** One PutBatch call (with retries); the caller keeps the batch within the server's limits. */
    public PutBatchResponse putBatch(List<Message> batch) {
        PutBatchRequest request = PutBatchRequest.newBuilder().addAllMsgs(batch).build();
        return retrier.call("PutBatch", () -> messages().putBatch(request));
    }

    /**
     * One GetBatch call as it is (with retries), e.g. to ask for the stored documents too. A
     * response holds at most the server's byte budget: the ids past it are in {@code remaining_ids};
     * {@link #getBatchComplete} asks for them.
     */
    public io.stowage.api.v1.GetBatchResponse getBatch(GetBatchRequest request) {
        return retrier.call("GetBatch", () -> messages().getBatch(request));
    }

    /**
     * GetBatch, asking again for the {@code remaining_ids} of each response until none are left:
     * every stored message asked for, in request order, in one response.
     */
    public io.stowage.api.v1.GetBatchResponse getBatchComplete(GetBatchRequest request) {
        io.stowage.api.v1.GetBatchResponse.Builder all = io.stowage.api.v1.GetBatchResponse.newBuilder();
        getBatchEach(request, part -> all.addAllMsgs(part.getMsgsList()).addAllDocuments(part.getDocumentsList()));
        return all.build();
    }

    /**
     * GetBatch, handing each response to {@code parts} and asking again for its {@code remaining_ids}
     * until none are left: the messages arrive in request order, one response's worth in memory at a time.
     */
    public void getBatchEach(GetBatchRequest request, Consumer<io.stowage.api.v1.GetBatchResponse> parts) {
        GetBatchRequest next = request;
        while (true) {
            io.stowage.api.v1.GetBatchResponse part = getBatch(next);
            parts.accept(part);
            if (part.getRemainingIdsCount() == 0) {
                return;
            }
            if (part.getRemainingIdsCount() >= next.getIdsCount()) {
                // the server sends at least one message of what remains; anything else would loop forever
                throw new StowageException("GetBatch made no progress: " + part.getRemainingIdsCount()
                        + " of " + next.getIdsCount() + " ids remain after a call", io.grpc.Status.Code.INTERNAL, null);
            }
            next = next.toBuilder().clearIds().addAllIds(part.getRemainingIdsList()).build();
        }
    }

    /** The stored messages with these ids, in the order asked; unknown ids are left out. */
    public List<Message> get(Collection<String> ids) {
        List<String> all = List.copyOf(ids);
        List<Message> found = new ArrayList<>();
        for (int i = 0; i < all.size(); i += maxBatchMessages) {
            GetBatchRequest request = GetBatchRequest.newBuilder()
                    .addAllIds(all.subList(i, Math.min(all.size(), i + maxBatchMessages))).build();
            found.addAll(getBatchComplete(request).getMsgsList());
        }
        return found;
    }

    /** Deletes these ids; returns how many were stored. */
    public long delete(Collection<String> ids) {
        List<String> all = List.copyOf(ids);
        long deleted = 0;
        for (int i = 0; i < all.size(); i += maxBatchMessages) {
            DeleteBatchRequest request = DeleteBatchRequest.newBuilder()
                    .addAllIds(all.subList(i, Math.min(all.size(), i + maxBatchMessages))).build();
            deleted += retrier.call("DeleteBatch", () -> messages().deleteBatch(request)).getAckCount();
        }
        return deleted;
    }

    /**
     * The results of a scan, fetched lazily. When the connection fails midway the scan resumes
     * after the last result received, so no result is repeated or skipped.
     */
    public Stream<ScanResult> scan(ScanRequest request) {
        ResumingScan iterator = new ResumingScan(request);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(iterator::cancel);
    }

    /**
     * Per Kafka partition counts of a stream's range, and the answers to the request's probes,
     * counted by the server from its index (with retries: a count changes nothing).
     */
    public io.stowage.api.v1.CountResponse count(io.stowage.api.v1.CountRequest request) {
        return retrier.call("Count", () -> MessagesGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(),
                TimeUnit.MILLISECONDS).withCallCredentials(credentials.orElse(null)).count(request));
    }

    public StatusResponse status(String stream) {
        StatusRequest request = StatusRequest.newBuilder().setStream(stream == null ? "" : stream).build();
        return retrier.call("Status", () -> AdminGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(),
                TimeUnit.MILLISECONDS).withCallCredentials(credentials.orElse(null)).status(request));
    }

    /** Runs a clean now. A clean can take long: it gets ten times the usual deadline. */
    public CleanResponse clean() {
        return retrier.call("Clean", () -> CleanerGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis() * 10, TimeUnit.MILLISECONDS)
                .withCallCredentials(credentials.orElse(null)).clean(CleanRequest.getDefaultInstance()));
    }

    /**
     * Keeps a capture of the Kafka cluster's topics and groups (with retries: storing the same
     * capture again replaces it with itself).
     */
    public PutCaptureResponse putCapture(PutCaptureRequest request) {
        return retrier.call("PutCapture", () -> clusterState().putCapture(request));
    }

    /** The latest capture of each topic and group at or before {@code at}. */
    public GetCaptureResponse captureAt(Instant at) {
        return capture(GetCaptureRequest.newBuilder().setAt(com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(at.getEpochSecond()).setNanos(at.getNano())).build());
    }

    /** One GetCapture call as it is (with retries): without {@code at} the latest of all, a topic pattern. */
    public GetCaptureResponse capture(GetCaptureRequest request) {
        return retrier.call("GetCapture", () -> clusterState().getCapture(request));
    }

    /**
     * Runs a verify on the server and returns its events as they come (progress, problems, then
     * the summary). No deadline: a verify reads the whole archive.
     */
    public Iterator<io.stowage.api.v1.VerifyEvent> verify(boolean repair) {
        return AdminGrpc.newBlockingStub(channel).withCallCredentials(credentials.orElse(null))
                .verify(io.stowage.api.v1.VerifyRequest.newBuilder().setRepair(repair).build());
    }

    /** The channel, for calls this client does not wrap (and for health checks). */
    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        if (!ownsChannel) {
            return;
        }
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private ClusterStateGrpc.ClusterStateBlockingStub clusterState() {
        return ClusterStateGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .withCallCredentials(credentials.orElse(null));
    }

    private MessagesGrpc.MessagesBlockingStub messages() {
        return MessagesGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .withCallCredentials(credentials.orElse(null));
    }

    private int batchEnd(List<Message> msgs, int start) {
        long bytes = 0;
        int end = start;
        while (end < msgs.size() && end - start < maxBatchMessages) {
            long size = msgs.get(end).getSerializedSize() + 8L;
            if (end > start && bytes + size > maxBatchBytes) {
                break;
            }
            bytes += size;
            end++;
        }
        return end;
    }

    /** Scan results across reconnects: a failed stream is reopened at the cursor of the last result. */
    private final class ResumingScan implements Iterator<ScanResult> {
        private ScanRequest request;
        private final long limit;
        private Iterator<ScanResult> current;
        private io.grpc.Context.CancellableContext context;
        private ScanResult next;
        private long delivered;

        ResumingScan(ScanRequest request) {
            this.request = request;
            this.limit = request.getLimit();
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (limit > 0 && delivered >= limit) {
                return false;
            }
            next = retrier.call("Scan", () -> {
                if (current == null) {
                    open();
                }
                try {
                    return current.hasNext() ? current.next() : null;
                } catch (io.grpc.StatusRuntimeException e) {
                    current = null; // reopened at the cursor on the next attempt
                    throw e;
                }
            });
            if (next == null) {
                cancel();
                return false;
            }
            return true;
        }

        @Override
        public ScanResult next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ScanResult result = next;
            next = null;
            delivered++;
            ScanRequest.Builder resume = request.toBuilder().setCursor(result.getCursor());
            if (limit > 0) {
                resume.setLimit((int) Math.max(1, limit - delivered));
            }
            request = resume.build();
            return result;
        }

        private void open() {
            cancel();
            context = io.grpc.Context.current().withCancellation();
            io.grpc.Context previous = context.attach();
            try {
                current = MessagesGrpc.newBlockingStub(channel).withCallCredentials(credentials.orElse(null))
                        .scan(request);
            } finally {
                context.detach(previous);
            }
        }

        void cancel() {
            if (context != null) {
                context.cancel(null);
                context = null;
            }
        }
    }

    /** Sends {@code authorization: Bearer <token>} with every call. */
    private static final class BearerToken extends CallCredentials {
        private static final Metadata.Key<String> AUTHORIZATION =
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        private final String token;

        BearerToken(String token) {
            this.token = token;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + token);
            applier.apply(headers);
        }
    }

    /** How to reach the server and how to call it. */
    public static final class Builder {
        private final String target;
        private ChannelCredentials channelCredentials = InsecureChannelCredentials.create();
        private Optional<String> token = Optional.empty();
        private Duration deadline = Duration.ofSeconds(30);
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Retrier.RetryListener retryListener = Retrier.RetryListener.NONE;
        private int maxBatchMessages = 1000;
        /** Well within the server's default limit, so a batch is never refused for its size. */
        private long maxBatchBytes = ApiLimits.DEFAULT_MAX_BATCH_BYTES / 4;
        private ManagedChannel channel;
        /** A GetBatch answer may carry a full batch of the largest default size, with room to spare. */
        private int maxInboundMessageBytes = 2 * ApiLimits.DEFAULT_MAX_BATCH_BYTES;

        private Builder(String target) {
            this.target = target;
        }

        /** TLS, trusting the system's certificate authorities. */
        public Builder tls() {
            channelCredentials = TlsChannelCredentials.create();
            return this;
        }

        /**
         * TLS, trusting {@code caCertificate} (PEM) when given, and presenting a client certificate
         * and key (PEM) when given, for mutual TLS.
         */
        public Builder tls(Path caCertificate, Path clientCertificate, Path clientKey) {
            try {
                TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
                if (caCertificate != null) {
                    tls.trustManager(caCertificate.toFile());
                }
                if (clientCertificate != null && clientKey != null) {
                    tls.keyManager(clientCertificate.toFile(), clientKey.toFile());
                }
                channelCredentials = tls.build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read TLS files: " + e.getMessage(), e);
            }
            return this;
        }

        /** Sends {@code authorization: Bearer <token>} with every call. */
        public Builder token(String token) {
            this.token = Optional.ofNullable(token).filter(t -> !t.isBlank());
            return this;
        }

        /** Deadline of each call (each attempt). */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        public Builder retryListener(Retrier.RetryListener listener) {
            this.retryListener = listener;
            return this;
        }

        /** Batch limits for {@link StowageClient#put}: keep them within the server's. */
        public Builder maxBatch(int messages, long bytes) {
            this.maxBatchMessages = messages;
            this.maxBatchBytes = bytes;
            return this;
        }

        /** Uses {@code channel} instead of opening one (it is not closed by the client). */
        public Builder channel(ManagedChannel channel) {
            this.channel = channel;
            return this;
        }

        public StowageClient build() {
            if (channel != null) {
                return new StowageClient(this, channel, false);
            }
            ManagedChannel opened = Grpc.newChannelBuilder(target, channelCredentials)
                    .maxInboundMessageSize(maxInboundMessageBytes)
                    .build();
            return new StowageClient(this, opened, true);
        }
    }
}
