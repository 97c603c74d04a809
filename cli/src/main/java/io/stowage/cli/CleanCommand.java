package io.stowage.cli;

import io.stowage.api.v1.CleanResponse;
import io.stowage.client.StowageClient;
import picocli.CommandLine.Command;

/** {@code stowage clean}: run a clean now. */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = "Run Clean now: apply retention, remove dead and abandoned segments, rewrite segments that hold"
                + " deleted messages, merge the small segments of closed hours; print what it did.")
final class CleanCommand extends ClientCommand {
    @Override
    int run(StowageClient client, Output out) {
        CleanResponse r = client.clean();
        if (out.json) {
            out.message(r);
        } else if (r.getSkipped()) {
            out.text("skipped: " + r.getSkipReason());
        } else {
            out.text(String.format("expired %,d messages; deleted %d segments, rewrote %d, removed %d orphans,"
                    + " merged %d small segments into %d; freed %s in %.1f s", r.getExpiredMessages(),
                    r.getDeletedSegments(), r.getRewrittenSegments(), r.getOrphanedSegments(),
                    r.getReplacedSegments(), r.getMergedSegments(), Output.bytes(r.getBytesFreed()),
                    r.getTook().getSeconds() + r.getTook().getNanos() / 1e9));
        }
        return StowageCommand.ExitCodes.OK;
    }
}
