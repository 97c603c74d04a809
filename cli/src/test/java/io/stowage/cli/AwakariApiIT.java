package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.awakari.messages.DeleteBatchResponse;
import io.stowage.api.awakari.messages.GetBatchResponse;
import io.stowage.api.awakari.messages.PutBatchResponse;
import io.stowage.testing.StowageProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The awakari messages API of {@code bin/stowage server}, called as awakari's users call it: with
 * buf curl, through reflection, with JSON and no proto files.
 */
class AwakariApiIT {
    static final String BATCH = """
            {"msgs":[
              {"id":"awk-1","source":"https://example.org/feed","spec_version":"1.0","type":"com.example.post",
               "attributes":{"subject":{"ce_string":"Yoda"},"time":{"ce_timestamp":"1985-05-11T12:02:05.25Z"}},
               "text_data":"Try not. Do or do not."},
              {"id":"awk-2","source":"https://example.org/feed","spec_version":"1.0","type":"com.example.post",
               "binary_data":"AAEC/w=="}]}""";
    static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dataDir;

    @Test
    void putGetDeleteAndCleanWithBufCurl() throws Exception {
        int port = StowageProcess.freePort();
        try (StowageProcess server = StowageProcess.start(env(port), "server")) {
            server.awaitOutput("Stowage api-server is running.", START);
            BufCurl curl = new BufCurl(port);

            PutBatchResponse.Builder put = curl.call("awakari.messages.Service/PutBatch", BATCH,
                    PutBatchResponse.newBuilder());
            PutBatchResponse.Builder again = curl.call("awakari.messages.Service/PutBatch", BATCH.replace(
                    "Try not.", "Other content, same id."), PutBatchResponse.newBuilder());
            GetBatchResponse.Builder got = curl.call("awakari.messages.Service/GetBatch",
                    "{\"ids\":[\"awk-2\",\"unknown\",\"awk-1\"]}", GetBatchResponse.newBuilder());
            DeleteBatchResponse.Builder deleted = curl.call("awakari.messages.Service/DeleteBatch",
                    "{\"ids\":[\"awk-1\",\"unknown\"]}", DeleteBatchResponse.newBuilder());
            String clean = curl.call("awakari.messages.cleaner.Service/Clean", "{}");
            GetBatchResponse.Builder left = curl.call("awakari.messages.Service/GetBatch",
                    "{\"ids\":[\"awk-1\",\"awk-2\"]}", GetBatchResponse.newBuilder());

            assertThat(put.getAckCount()).isEqualTo(2);
            assertThat(again.getAckCount()).as("an id already stored counts as acknowledged").isEqualTo(2);
            assertThat(got.getMsgsList()).extracting(m -> m.getId()).containsExactly("awk-2", "awk-1");
            assertThat(got.getMsgs(0).getBinaryData().toByteArray()).containsExactly(0, 1, 2, 0xff);
            assertThat(got.getMsgs(1).getTextData()).isEqualTo("Try not. Do or do not.");
            assertThat(got.getMsgs(1).getSpecVersion()).isEqualTo("1.0");
            assertThat(got.getMsgs(1).getAttributesOrThrow("subject").getCeString()).isEqualTo("Yoda");
            assertThat(got.getMsgs(1).getAttributesOrThrow("time").getCeTimestamp().getNanos()).isEqualTo(250_000_000);
            assertThat(deleted.getAckCount()).isEqualTo(1);
            assertThat(clean.strip()).isEqualTo("{}");
            assertThat(left.getMsgsList()).extracting(m -> m.getId()).containsExactly("awk-2");
        }
    }

    @Test
    void theJsonNamesAreAwakarisAndReflectionListsTheServices() throws Exception {
        int port = StowageProcess.freePort();
        try (StowageProcess server = StowageProcess.start(env(port), "server")) {
            server.awaitOutput("Stowage api-server is running.", START);
            BufCurl curl = new BufCurl(port);

            String put = curl.call("awakari.messages.Service/PutBatch", BATCH);
            BufCurl.Result invalid = curl.tryCall("awakari.messages.Service/PutBatch",
                    "{\"msgs\":[{\"id\":\"ok\",\"source\":\"s\",\"spec_version\":\"1.0\",\"type\":\"t\"},{\"id\":\"\"}]}");

            assertThat(put).contains("\"ackCount\"").contains("2");
            assertThat(invalid.exitCode()).isNotZero();
            assertThat(invalid.output()).contains("invalid_argument").contains("message #1").contains("id is empty");
            assertThat(curl.listMethods()).contains(
                    "awakari.messages.Service/GetBatch",
                    "awakari.messages.Service/PutBatch",
                    "awakari.messages.Service/DeleteBatch",
                    "awakari.messages.cleaner.Service/Clean",
                    "stowage.v1.Messages/PutBatch");
        }
    }

    private Map<String, String> env(int port) {
        return Map.of("STOWAGE_DATA_DIR", dataDir.toString(), "STOWAGE_GRPC_PORT", String.valueOf(port),
                "STOWAGE_GRPC_HOST", "127.0.0.1", "STOWAGE_HTTP_PORT", "0", "STOWAGE_CLEAN_INTERVAL", "off");
    }
}
