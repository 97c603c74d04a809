package io.stowage.cli;

import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.GetBatchResponse;
import io.stowage.api.v1.Message;
import io.stowage.client.StowageClient;
import java.io.OutputStream;
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
        // a response carries at most the server's byte budget; the client asks for the rest
        GetBatchResponse rsp = client.getBatchComplete(GetBatchRequest.newBuilder().addAllIds(ids)
                .setIncludeDocuments(output != null).build());
        Set<String> found = new HashSet<>();
        for (Message m : rsp.getMsgsList()) {
            found.add(m.getId());
            out.message(m);
        }
        if (output != null) {
            try (OutputStream file = Files.newOutputStream(output)) {
                for (var doc : rsp.getDocumentsList()) {
                    doc.writeTo(file);
                }
            }
            out.note("wrote " + rsp.getDocumentsCount() + " documents to " + output);
        }
        List<String> missing = ids.stream().filter(id -> !found.contains(id)).distinct().toList();
        missing.forEach(id -> out.note("not found: " + id));
        return missing.isEmpty() ? StowageCommand.ExitCodes.OK : StowageCommand.ExitCodes.PARTIAL;
    }
}
