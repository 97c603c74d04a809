package io.stowage.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.stowage.api.v1.CountProbe;
import io.stowage.api.v1.CountRequest;
import io.stowage.api.v1.CountResponse;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.DeleteBatchResponse;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.GetBatchResponse;
import io.stowage.api.v1.MessagesGrpc;
import io.stowage.api.v1.PartitionCount;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.common.message.Timestamps;
import io.stowage.server.storage.Archive;
import io.stowage.server.storage.error.InvalidRequestException;
import io.stowage.server.storage.PutOutcome;
import io.stowage.server.storage.index.CountQuery;
import io.stowage.server.storage.index.CountResult;
import io.stowage.server.storage.index.ScanOrder;
import io.stowage.server.storage.index.ScanQuery;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@code stowage.v1.Messages} service over the archive. */
public final class MessagesService extends MessagesGrpc.MessagesImplBase {
    /** The widest time range a scan covers (protobuf timestamps span years 1 to 9999). */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    /** Scans at once; more are refused with RESOURCE_EXHAUSTED rather than queued without bound. */
    static final int MAX_CONCURRENT_SCANS = 64;

    /** Probes in one Count: a restore sends one per committed offset of a topic's captured groups. */
    static final int MAX_COUNT_PROBES = 100_000;

    private final Archive archive;
    /**
     * Scans run on their own threads: a scan waits for the client to take results, and gRPC
     * delivers the "ready for more" signal only once the call's handler has returned.
     */
    private final ThreadPoolExecutor scans;
    private final GrpcErrors errors;

    public MessagesService(Archive archive, GrpcErrors errors) {
        this.errors = errors;
        this.archive = archive;
        AtomicInteger n = new AtomicInteger();
        this.scans = new ThreadPoolExecutor(0, MAX_CONCURRENT_SCANS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "stowage-scan-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public void putBatch(PutBatchRequest request, StreamObserver<PutBatchResponse> observer) {
        errors.unary("PutBatch", observer, () -> {
            PutOutcome outcome = archive.put(request.getMsgsList());
            PutBatchResponse.Builder rsp = PutBatchResponse.newBuilder().setAckCount(outcome.acknowledged());
            outcome.rejected().forEach(r -> rsp.addRejected(ProtoMapping.rejection(r)));
            return rsp.build();
        });
    }

    @Override
    public void getBatch(GetBatchRequest request, StreamObserver<GetBatchResponse> observer) {
        errors.unary("GetBatch", observer, () -> {
            // with the documents each message travels twice
            long budget = archive.limits().getResponseBytes() / (request.getIncludeDocuments() ? 2 : 1);
            try (Archive.StoredBatch batch = archive.getStored(request.getIdsList(), budget)) {
                GetBatchResponse.Builder rsp = GetBatchResponse.newBuilder().addAllRemainingIds(batch.remaining());
                for (Archive.StoredMessage stored : batch.found()) {
                    rsp.addMsgs(stored.message());
                    if (request.getIncludeDocuments()) {
                        rsp.addDocuments(com.google.protobuf.ByteString.copyFrom(stored.document()));
                    }
                }
                return rsp.build();
            }
        });
    }

    @Override
    public void deleteBatch(DeleteBatchRequest request, StreamObserver<DeleteBatchResponse> observer) {
        errors.unary("DeleteBatch", observer,
                () -> DeleteBatchResponse.newBuilder().setAckCount((int) archive.delete(request.getIdsList())).build());
    }

    @Override
    public void scan(ScanRequest request, StreamObserver<ScanResult> observer) {
        FlowControlledSender<ScanResult> sender = new FlowControlledSender<>((ServerCallStreamObserver<ScanResult>) observer);
        try {
            scans.execute(() -> runScan(request, observer, sender));
        } catch (RejectedExecutionException e) {
            observer.onError(Status.RESOURCE_EXHAUSTED.withDescription(MAX_CONCURRENT_SCANS
                    + " scans are running; retry when one has finished").asRuntimeException());
        }
    }

    @Override
    public void count(CountRequest request, StreamObserver<CountResponse> observer) {
        errors.unary("Count", observer, () -> {
            CountResult result = archive.count(countQuery(request));
            CountResponse.Builder rsp = CountResponse.newBuilder().addAllProbes(result.probes());
            result.partitions().forEach(p -> rsp.addPartitions(PartitionCount.newBuilder()
                    .setKafkaPartition(p.partition()).setMessages(p.messages()).setBytes(p.bytes())
                    .setMinOffset(p.minOffset()).setMaxOffset(p.maxOffset())
                    .setOldestTime(Timestamps.fromInstant(p.oldest()))));
            return rsp.build();
        });
    }

    /** The index query of a Count request, checked: a stream, valid times, probes of real partitions and offsets. */
    static CountQuery countQuery(CountRequest request) {
        if (request.getStream().isEmpty()) {
            throw new InvalidRequestException("Count needs a stream: set CountRequest.stream to the Kafka topic"
                    + " (or source) to count");
        }
        if (request.getProbesCount() > MAX_COUNT_PROBES) {
            throw new InvalidRequestException("Count got " + request.getProbesCount() + " probes; at most "
                    + MAX_COUNT_PROBES + " in one request: split them over several");
        }
        List<CountQuery.Probe> probes = new ArrayList<>(request.getProbesCount());
        for (int i = 0; i < request.getProbesCount(); i++) {
            CountProbe p = request.getProbes(i);
            if (p.getKafkaPartition() < 0 || p.getBelowOffset() < 0) {
                throw new InvalidRequestException("Count probe " + i + " (partition " + p.getKafkaPartition()
                        + ", below offset " + p.getBelowOffset() + ") is not valid: partitions and offsets are"
                        + " 0 or more");
            }
            probes.add(new CountQuery.Probe(p.getKafkaPartition(), p.getBelowOffset()));
        }
        return new CountQuery(request.getStream(),
                request.hasType() ? Optional.of(request.getType()) : Optional.empty(),
                request.hasFrom() ? instant("Count", "from", request.getFrom()) : EARLIEST,
                request.hasTo() ? instant("Count", "to", request.getTo()) : LATEST,
                request.getCursor().isEmpty() ? Optional.empty()
                        : Optional.of(ScanCursor.decode(request.getCursor(), ScanOrder.KAFKA_OFFSET)),
                probes);
    }

    /** The limit is a uint32: 0 and anything at or over 2^31 (negative as a Java int) mean all results. */
    static int limit(int uint32) {
        return uint32 <= 0 ? Integer.MAX_VALUE : uint32;
    }

    private static Instant instant(String method, String field, com.google.protobuf.Timestamp ts) {
        if (!Timestamps.valid(ts)) {
            throw new InvalidRequestException(method + " " + field + " (" + ts.getSeconds() + " s, " + ts.getNanos()
                    + " ns) is not a valid timestamp: times are years 1 to 9999 with nanos 0 to 999,999,999");
        }
        return Timestamps.toInstant(ts);
    }

    private void runScan(ScanRequest request, StreamObserver<ScanResult> observer, FlowControlledSender<ScanResult> sender) {
        try {
            ScanOrder order = request.getOrder() == io.stowage.api.v1.ScanOrder.SCAN_ORDER_KAFKA_OFFSET
                    ? ScanOrder.KAFKA_OFFSET : ScanOrder.TIME;
            ScanQuery query = new ScanQuery(
                    request.getStream(),
                    request.hasType() ? Optional.of(request.getType()) : Optional.empty(),
                    request.hasFrom() ? instant("Scan", "from", request.getFrom()) : EARLIEST,
                    request.hasTo() ? instant("Scan", "to", request.getTo()) : LATEST,
                    request.getCursor().isEmpty() ? Optional.empty()
                            : Optional.of(ScanCursor.decode(request.getCursor(), order)),
                    limit(request.getLimit()),
                    order,
                    request.hasKafkaPartition() ? Optional.of(request.getKafkaPartition()) : Optional.empty());
            archive.scan(query, request.getIdsOnly(), (row, msg) -> {
                ScanResult.Builder result = ProtoMapping.scanResult(row, order);
                if (msg != null) {
                    result.setMsg(msg);
                }
                return sender.send(result.build());
            });
        } catch (RuntimeException e) {
            if (!sender.isCancelled()) {
                observer.onError(errors.toStatus("Scan", e));
            }
            return;
        }
        if (!sender.isCancelled()) {
            observer.onCompleted();
        }
    }
}
