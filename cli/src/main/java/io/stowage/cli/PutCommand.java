package io.stowage.cli;

import io.stowage.api.v1.Message;
import io.stowage.client.PutResult;
import io.stowage.client.StowageClient;
import io.stowage.common.config.Values;
import io.stowage.server.storage.Limits;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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

    @Option(names = "--max-message-bytes", paramLabel = "SIZE", defaultValue = "8MiB",
            description = "Largest message to send, as the server's STOWAGE_MAX_MESSAGE_BYTES (default ${DEFAULT-VALUE});"
                    + " a larger one is reported with its file and line before anything is sent.")
    String maxMessageBytes;

    @Override
    int run(StowageClient client, Output out) throws Exception {
        String source = file.equals("-") ? "standard input" : file;
        List<CloudEventsJson.Located> located;
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            located = CloudEventsJson.read(in, source);
        }
        long limit = Values.dataSize(maxMessageBytes);
        for (CloudEventsJson.Located m : located) {
            String problem = problem(m.msg(), limit);
            if (problem != null) {
                throw new InvalidInputException(source + " line " + m.line() + ": " + problem + "; nothing was sent");
            }
        }
        List<Message> msgs = located.stream().map(CloudEventsJson.Located::msg).toList();
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

    /** What the server would refuse in any case, said with the message's place in the file. */
    private static String problem(Message msg, long limit) {
        int idBytes = msg.getId().getBytes(StandardCharsets.UTF_8).length;
        if (idBytes == 0) {
            return "the message has no id (give \"id\" a value)";
        }
        if (idBytes > Limits.MAX_ID_BYTES) {
            return "the id is " + idBytes + " bytes long; an id is at most " + Limits.MAX_ID_BYTES + " bytes";
        }
        if (msg.getSerializedSize() > limit) {
            return "message '" + msg.getId() + "' is " + Output.bytes(msg.getSerializedSize()) + "; a message is at most "
                    + Output.bytes(limit) + " (the server's STOWAGE_MAX_MESSAGE_BYTES; if it allows more, pass"
                    + " --max-message-bytes)";
        }
        return null;
    }
}
