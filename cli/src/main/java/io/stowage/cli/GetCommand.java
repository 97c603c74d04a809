package io.stowage.cli;

import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.Message;
import io.stowage.client.StowageClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stowage get}: messages by id. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Print the stored messages with these ids as JSON, in the order given.",
            "Exit code 3 when some ids are not stored."})
final class GetCommand extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "Message ids.")
    List<String> ids;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Also write the stored BSON documents, byte for byte, to FILE (a .bson dump).")
    Path output;

    @Override
    int run(StowageClient client, Output out) throws Exception {
        Set<String> found = new HashSet<>();
        int[] documents = {0};
        try (OutputStream file = output == null ? OutputStream.nullOutputStream() : Files.newOutputStream(output)) {
            // a response carries at most the server's byte budget; the client asks for the rest, and
            // each part is written out before the next is fetched
            client.getBatchEach(GetBatchRequest.newBuilder().addAllIds(ids).setIncludeDocuments(output != null).build(),
                    rsp -> {
                        for (Message m : rsp.getMsgsList()) {
                            found.add(m.getId());
                            out.message(m);
                        }
                        try {
                            for (var doc : rsp.getDocumentsList()) {
                                doc.writeTo(file);
                                documents[0]++;
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        if (output != null) {
            out.note("wrote " + documents[0] + " documents to " + output);
        }
        List<String> missing = ids.stream().filter(id -> !found.contains(id)).distinct().toList();
        missing.forEach(id -> out.note("not found: " + id));
        return missing.isEmpty() ? StowageCommand.ExitCodes.OK : StowageCommand.ExitCodes.PARTIAL;
    }
}
