package io.stowage.cli;

import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.GroupCapture;
import io.stowage.client.StowageClient;
import io.stowage.common.kafka.KafkaClientProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stowage restore}: many archived topics into a cluster, up to a point in time, consumer groups included. */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Disaster recovery: restore every archived topic matching --topics (or each --topic) into the"
                + " cluster at --bootstrap, up to --until (message time, inclusive), then move the captured consumer"
                + " groups to the translated offsets of the restored records.",
            "A missing topic is created as the worker last captured it at or before --until (partitions, replication"
                + " factor capped at the target's broker count, topic configs); without a capture, with the archive's"
                + " partition count and the broker's defaults, with a warning.",
            "Each partition is restored into the same partition number in original offset order (exact key, value,"
                + " headers, timestamp), partitions in parallel, through an idempotent producer. Resumable like replay:"
                + " a checkpoint per partition in --checkpoint-dir; after Ctrl-C, SIGTERM or kill -9 the same command"
                + " continues without sending a record twice (what the target holds past a checkpoint is skipped), and"
                + " a finished restore run again sends nothing.",
            "Never writes into a topic that already holds records unless --append is given (or the same restore resumes)."
                + " A group's committed offset c becomes the target offset of the first restored record whose original"
                + " offset is at or after c (or the end of the restored partition); a group with members on the target is"
                + " refused (exit code 3).",
            "--dry-run prints the plan; --json prints the plan, progress, summary and every group offset as JSON objects,"
                + " one per line."})
final class RestoreCommand extends ClientCommand {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topics", paramLabel = "REGEX", description = "Archived topics (streams) whose whole name matches"
            + " this Java regular expression, e.g. 'orders|payments' or 'alerts\\..*'.")
    String topics;

    @Option(names = "--topic", paramLabel = "NAME", description = "An archived topic to restore; repeat for a list.")
    List<String> topicList = new ArrayList<>();

    @Option(names = "--until", converter = Times.class, paramLabel = "TIME", description = "Only records whose message"
            + " time is at or before this time (2024-05-01T12:00:00Z; default: everything), and the captures seen by then.")
    Instant until;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "", description = "Restore topic T as PREFIX + T"
            + " (e.g. restored.).")
    String prefix;

    @Option(names = "--rename", paramLabel = "FROM=TO", description = "Restore topic FROM as TO (repeatable; wins over"
            + " --prefix).")
    Map<String, String> rename = new LinkedHashMap<>();

    @Option(names = "--parallel", defaultValue = "4", description = "Partitions restored at once (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--groups", paramLabel = "REGEX", defaultValue = ".*", description = "Only captured consumer groups"
            + " whose name matches (default: all that read a restored topic).")
    String groups;

    @Option(names = "--no-groups", description = "Restore the records only; leave consumer groups alone.")
    boolean noGroups;

    @Option(names = "--dry-run", description = "Print the plan (topics, partitions, configs, record counts, groups and"
            + " their translated offsets) and write nothing.")
    boolean dryRun;

    @Option(names = "--append", description = "Restore into topics that already hold records, after them.")
    boolean append;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = ".stowage-restore",
            description = "Where the per-partition checkpoints are kept (default ${DEFAULT-VALUE} in this directory).")
    Path checkpointDir;

    @Option(names = "--restart", description = "Forget the checkpoints of this restore and start from the beginning.")
    boolean restart;

    @Option(names = "--limit", defaultValue = "0", description = "Restore at most this many records now (0: all); run"
            + " again to continue from the checkpoints.")
    long limit;

    @Override
    int run(StowageClient client, Output out) throws Exception {
        if (topics == null && topicList.isEmpty()) {
            throw new InvalidInputException("say which archived topics to restore: --topics REGEX (--topics '.*' for all)"
                    + " or --topic NAME; `stowage status` lists the archived streams");
        }
        if (parallel < 1) {
            throw new InvalidInputException("--parallel must be at least 1, not " + parallel);
        }
        String pattern = topics != null ? topics
                : topicList.stream().map(Pattern::quote).collect(Collectors.joining("|"));
        Properties props = kafka.properties();
        try (Admin admin = Admin.create(KafkaClientProperties.only(props, AdminClientConfig.configNames()))) {
            String clusterId = TargetTopic.get(admin.describeCluster().clusterId());
            int brokers = TargetTopic.get(admin.describeCluster().nodes()).size();
            GetCaptureResponse capture = Captures.at(client, until, pattern, out);
            RestorePlan plan = RestorePlan.make(client, Pattern.compile(pattern),
                    t -> rename.getOrDefault(t, prefix + t), until, capture,
                    noGroups ? Pattern.compile("(?!)") : Pattern.compile(groups), parallel);
            if (plan.topics().isEmpty()) {
                throw new InvalidInputException("no archived stream matches '" + pattern + "'"
                        + (until == null ? "" : " with records at or before " + until)
                        + "; `stowage status` lists the archived streams");
            }
            Files.createDirectories(checkpointDir);
            RestoreRun run = new RestoreRun(client, admin, props, clusterId, plan,
                    checkpointDir, out);
            if (restart) {
                run.forgetCheckpoints();
            }
            Map<String, Short> replication = new HashMap<>();
            List<String> refusals = new ArrayList<>();
            for (RestorePlan.TopicPlan t : plan.topics()) {
                replication.put(t.topic(), replication(t, brokers, out));
                String refusal = run.refusal(t);
                if (refusal != null && !append) {
                    refusals.add(refusal);
                }
            }
            RestoreReport report = new RestoreReport(out);
            if (dryRun) {
                report.plan(plan, replication, run, brokers);
                refusals.forEach(out::note);
                return StowageCommand.ExitCodes.OK;
            }
            if (!refusals.isEmpty()) {
                throw new InvalidInputException(String.join("\n", refusals) + "\nRestore into new or empty topics"
                        + " (--prefix restored. or --rename), or add --append to add the records anyway.");
            }
            for (RestorePlan.TopicPlan t : plan.topics()) {
                short rf = replication.get(t.topic());
                run.create(t, new NewTopic(t.topic(), Optional.of(t.partitions()),
                        rf > 0 ? Optional.of(rf) : Optional.empty()).configs(t.configs()));
            }
            RestoreRun.Outcome outcome = run.records(parallel, limit);
            report.summary(outcome);
            if (!outcome.complete()) {
                return outcome.interrupted() ? StowageCommand.ExitCodes.INTERRUPTED : StowageCommand.ExitCodes.OK;
            }
            boolean allMoved = true;
            for (GroupCapture g : plan.groups()) {
                allMoved &= report.group(run.moveGroup(g));
            }
            return allMoved ? StowageCommand.ExitCodes.OK : StowageCommand.ExitCodes.PARTIAL;
        }
    }

    /** The captured replication factor, capped at the target's broker count (0: the broker's default). */
    private static short replication(RestorePlan.TopicPlan t, int brokers, Output out) {
        if (!t.fromCapture()) {
            out.note("warning: no capture of topic " + t.stream() + (t.stream().equals(t.topic()) ? "" : " (restored as "
                    + t.topic() + ")") + " at or before the restore time: a missing topic is created with the"
                    + " archive's " + t.partitions() + " partitions and the broker's default replication and configs");
            return 0;
        }
        if (t.replication() > brokers) {
            out.note("note: " + t.topic() + " had replication factor " + t.replication() + "; the target has " + brokers
                    + " broker(s), so it is created with " + brokers);
            return (short) brokers;
        }
        return (short) t.replication();
    }
}
