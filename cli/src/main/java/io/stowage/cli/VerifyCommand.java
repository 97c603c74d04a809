package io.stowage.cli;

import io.stowage.api.v1.VerifyEvent;
import io.stowage.api.v1.VerifyProblem;
import io.stowage.api.v1.VerifySummary;
import io.stowage.client.StowageClient;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stowage verify}: check the archive both ways, on the server. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the archive both ways: every indexed message's byte range exists and matches its digest;"
                + " every object under the prefix is known to the index. Reports each problem, with progress.",
            "Exit code 3 when problems remain."})
final class VerifyCommand extends ClientCommand {
    @Option(names = "--repair", description = "Delete objects the index does not know and correct segment counters."
            + " Run without it first and read the report: an orphan may hold messages whose index rows were lost.")
    boolean repair;

    @Override
    int run(StowageClient client, Output out) {
        Iterator<VerifyEvent> events = client.verify(repair);
        Progress progress = null;
        String phase = "";
        VerifySummary summary = null;
        while (events.hasNext()) {
            VerifyEvent e = events.next();
            switch (e.getEventCase()) {
                case PROGRESS -> {
                    if (!e.getProgress().getPhase().equals(phase)) {
                        if (progress != null) {
                            progress.finish();
                        }
                        phase = e.getProgress().getPhase();
                        progress = new Progress(phase.equals("index") ? "messages" : "objects ", e.getProgress().getTotal());
                    }
                    progress.update(e.getProgress().getDone());
                }
                case PROBLEM -> {
                    VerifyProblem p = e.getProblem();
                    if (out.json) {
                        out.message(p);
                    } else {
                        out.out.println(p.getKind() + "  " + p.getObjectKey() + (p.getMessageId().isEmpty() ? ""
                                : "  " + p.getMessageId()) + "  " + p.getDetail() + (p.getRepaired() ? "  (repaired)" : ""));
                    }
                }
                case SUMMARY -> summary = e.getSummary();
                default -> { }
            }
        }
        if (progress != null) {
            progress.finish();
        }
        if (summary == null) {
            throw new IllegalStateException("the server ended the verify without a summary");
        }
        if (out.json) {
            out.message(summary);
        } else {
            double seconds = summary.getTook().getSeconds() + summary.getTook().getNanos() / 1e9;
            out.text(String.format("checked %,d messages and %,d objects in %.1f s (%,.0f messages/s): %d problems,"
                    + " %d repaired", summary.getMessagesChecked(), summary.getObjectsChecked(), seconds,
                    seconds > 0 ? summary.getMessagesChecked() / seconds : 0, summary.getProblems(), summary.getRepaired()));
        }
        return summary.getProblems() > summary.getRepaired() ? StowageCommand.ExitCodes.PARTIAL
                : StowageCommand.ExitCodes.OK;
    }
}
