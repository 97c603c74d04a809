package io.stowage.cli;

import io.stowage.client.StowageClient;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stowage delete}: messages by id. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete the messages with these ids. Their bytes are physically gone after the next clean.",
            "Exit code 3 when some ids were not stored."})
final class DeleteCommand extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "Message ids.")
    List<String> ids;

    @Override
    int run(StowageClient client, Output out) {
        int asked = new LinkedHashSet<>(ids).size();
        long deleted = client.delete(new LinkedHashSet<>(ids));
        if (out.json) {
            out.out.println("{\"deleted\":" + deleted + ",\"asked\":" + asked + "}");
        } else {
            out.text("deleted " + deleted + " of " + asked);
        }
        return deleted == asked ? StowageCommand.ExitCodes.OK : StowageCommand.ExitCodes.PARTIAL;
    }
}
