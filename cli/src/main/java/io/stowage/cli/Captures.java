package io.stowage.cli;

import io.grpc.Status;
import io.stowage.api.v1.GetCaptureRequest;
import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.client.StowageClient;
import io.stowage.client.StowageException;
import io.stowage.common.message.Timestamps;
import java.time.Instant;

/** The worker's captures of topic shapes and group offsets that a restore goes by. */
final class Captures {
    private Captures() {}

    /**
     * The latest capture of each topic and group at or before {@code until} (all when null), for
     * topics matching {@code topicPattern}; empty, with a note, when the server keeps none.
     */
    static GetCaptureResponse at(StowageClient client, Instant until, String topicPattern, Output out) {
        GetCaptureRequest.Builder req = GetCaptureRequest.newBuilder().setTopicPattern(topicPattern);
        if (until != null) {
            req.setAt(Timestamps.fromInstant(until));
        }
        try {
            return client.capture(req.build());
        } catch (StowageException e) {
            if (e.code() != Status.Code.UNIMPLEMENTED) {
                throw e;
            }
            out.note("warning: the server keeps no captures of topics and groups (it predates them)");
            return GetCaptureResponse.getDefaultInstance();
        }
    }
}
