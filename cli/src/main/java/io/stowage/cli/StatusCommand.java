package io.stowage.cli;

import io.stowage.api.v1.StatusResponse;
import io.stowage.api.v1.StreamStatus;
import io.stowage.client.StowageClient;
import io.stowage.common.message.Timestamps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stowage status}: what the archive holds. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Per stream: messages, their bytes, first and last message time, segments and their bytes.")
final class StatusCommand extends ClientCommand {
    @Option(names = "--stream", description = "Only this stream.")
    String stream;

    @Override
    int run(StowageClient client, Output out) {
        StatusResponse status = client.status(stream);
        if (out.json) {
            out.message(status);
            return StowageCommand.ExitCodes.OK;
        }
        String format = "%-30s %12s %10s  %-24s %-24s %8s %10s%n";
        out.out.printf(format, "STREAM", "MESSAGES", "BYTES", "FIRST", "LAST", "SEGMENTS", "STORED");
        for (StreamStatus s : status.getStreamsList()) {
            out.out.printf(format, s.getStream(), String.format("%,d", s.getMessages()), Output.bytes(s.getBytes()),
                    s.hasFirstTime() ? Timestamps.toInstant(s.getFirstTime()) : "-",
                    s.hasLastTime() ? Timestamps.toInstant(s.getLastTime()) : "-", s.getSegments(),
                    Output.bytes(s.getSegmentBytes()));
        }
        if (status.getStreamsCount() == 0) {
            out.text("(the archive is empty)");
        }
        return StowageCommand.ExitCodes.OK;
    }
}
