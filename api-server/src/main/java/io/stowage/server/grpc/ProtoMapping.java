package io.stowage.server.grpc;

import io.stowage.api.v1.CleanResponse;
import io.stowage.api.v1.Rejection;
import io.stowage.api.v1.ScanResult;
import io.stowage.api.v1.StreamStatus;
import io.stowage.common.message.Timestamps;
import io.stowage.server.clean.CleanReport;
import io.stowage.server.storage.PutOutcome;
import io.stowage.server.storage.index.ScanRow;
import io.stowage.server.storage.index.StreamStats;

/** Domain results as API messages. */
final class ProtoMapping {
    private ProtoMapping() {}

    static Rejection rejection(PutOutcome.Rejected r) {
        return Rejection.newBuilder().setId(r.id()).setIndex(r.index()).setReason(r.reason()).build();
    }

    static ScanResult.Builder scanResult(ScanRow row, io.stowage.server.storage.index.ScanOrder order) {
        ScanResult.Builder b = ScanResult.newBuilder()
                .setId(row.id())
                .setStream(row.stream())
                .setType(row.type())
                .setTime(Timestamps.fromInstant(row.time()))
                .setSize(row.location().length())
                .setCursor(ScanCursor.encode(row.position(order)));
        if (row.kafkaPartition() != null) {
            b.setKafkaPartition(row.kafkaPartition());
        }
        if (row.kafkaOffset() != null) {
            b.setKafkaOffset(row.kafkaOffset());
        }
        return b;
    }

    static StreamStatus streamStatus(StreamStats s) {
        StreamStatus.Builder b = StreamStatus.newBuilder()
                .setStream(s.stream())
                .setMessages(s.messages())
                .setBytes(s.bytes())
                .setSegments(s.segments())
                .setSegmentBytes(s.segmentBytes());
        if (s.firstTime() != null) {
            b.setFirstTime(Timestamps.fromInstant(s.firstTime()));
        }
        if (s.lastTime() != null) {
            b.setLastTime(Timestamps.fromInstant(s.lastTime()));
        }
        return b.build();
    }

    static CleanResponse cleanResponse(CleanReport r) {
        CleanResponse.Builder b = CleanResponse.newBuilder();
        if (!r.ran()) {
            b.setSkipped(true).setSkipReason(CleanReport.SKIPPED);
        }
        return b
                .setExpiredMessages(r.expiredMessages())
                .setDeletedSegments(r.deletedSegments())
                .setRewrittenSegments(r.rewrittenSegments())
                .setOrphanedSegments(r.orphanedSegments())
                .setMergedSegments(r.mergedSegments())
                .setReplacedSegments(r.replacedSegments())
                .setBytesFreed(r.bytesFreed())
                .setTook(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(r.took().getSeconds()).setNanos(r.took().getNano()))
                .build();
    }
}
