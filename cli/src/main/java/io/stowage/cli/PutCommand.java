package io.stowage.cli;

import io.stowage.api.v1.Message;
import io.stowage.client.PutResult;
import io.stowage.client.StowageClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stowage put}: store messages from JSON. */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Store messages read from FILE (or standard input): CloudEvents in the CloudEvents JSON format"
                + " (specversion, id, source, type, data or data_base64, extensions) or in the protobuf JSON that grpcurl"
                + " sends; one document, an array, or one per line (NDJSON). Large inputs go in several batches.",
            "Exit code 3 when some messages were rejected (their id is stored with other content)."})
final class PutCommand extends ClientCommand {
    @Parameters(arity = "0..1", paramLabel = "FILE", defaultValue = "-",
            description = "JSON or NDJSON file; - (the default) reads standard input.")
    String file;

    @Override
    int run(StowageClient client, Output out) throws Exception {
        List<Message> msgs;
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            msgs = CloudEventsJson.read(in);
        }
        if (msgs.isEmpty()) {
            out.note("no messages in " + (file.equals("-") ? "standard input" : file));
            return StowageCommand.ExitCodes.OK;
        }
        PutResult result = client.put(msgs);
        for (PutResult.Rejected r : result.rejected()) {
            out.note("rejected #" + r.index() + " (" + r.id() + "): " + r.reason());
        }
        if (out.json) {
            out.out.println("{\"acknowledged\":" + result.acknowledged() + ",\"rejected\":" + result.rejected().size() + "}");
        } else {
            out.text("stored " + result.acknowledged() + " of " + msgs.size() + " messages"
                    + (result.rejected().isEmpty() ? "" : "; " + result.rejected().size() + " rejected"));
        }
        return result.rejected().isEmpty() ? StowageCommand.ExitCodes.OK : StowageCommand.ExitCodes.PARTIAL;
    }
}
