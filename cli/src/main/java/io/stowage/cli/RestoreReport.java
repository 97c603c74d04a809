package io.stowage.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.api.v1.GroupCapture;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a restore tells: the plan, the summary of the records, and every group offset it moved. */
final class RestoreReport {
    private final Output out;

    RestoreReport(Output out) {
        this.out = out;
    }

    void plan(RestorePlan plan, Map<String, Short> replication, RestoreRun run, int brokers) throws Exception {
        out.text(String.format("restore plan: %,d records (%s archived) of %d topic(s) up to %s into a cluster of %d"
                + " broker(s)", plan.totalRecords(), Output.bytes(plan.totalBytes()), plan.topics().size(),
                plan.until() == null ? "the end of the archive" : plan.until(), brokers));
        for (RestorePlan.TopicPlan t : plan.topics()) {
            short rf = replication.get(t.topic());
            boolean exists = run.target(t).description().isPresent();
            if (out.json) {
                ObjectNode n = Output.JSON.createObjectNode().put("event", "plan").put("stream", t.stream())
                        .put("topic", t.topic()).put("exists", exists).put("partitions", t.partitions())
                        .put("replication_factor", rf).put("from_capture", t.fromCapture())
                        .put("records", t.totalRecords());
                ObjectNode configs = n.putObject("configs");
                t.configs().forEach(configs::put);
                ObjectNode parts = n.putObject("per_partition");
                t.records().forEach((p, c) -> parts.put(String.valueOf(p), c));
                out.out.println(n);
            } else {
                out.text(String.format("  %s -> %s (%s): %d partitions, replication %s, configs %s%n    %,d records,"
                        + " per partition %s", t.stream(), t.topic(), exists ? "exists" : "to create", t.partitions(),
                        rf > 0 ? String.valueOf(rf) : "broker default", t.fromCapture() ? t.configs()
                                : "broker defaults (no capture)", t.totalRecords(), t.records()));
            }
        }
        GroupTranslator translator = run.translator();
        for (GroupCapture g : plan.groups()) {
            moves(g.getGroup(), translator.translate(g), "group_plan");
        }
        if (plan.groups().isEmpty()) {
            out.text("  no captured consumer group to move" + (plan.captured() ? "" : " (no capture)"));
        }
    }

    void summary(RestoreRun.Outcome o) {
        Map<String, long[]> perTopic = new TreeMap<>();
        long records = 0;
        long bytes = 0;
        for (PartitionRestore.Result r : o.partitions()) {
            long[] t = perTopic.computeIfAbsent(r.topic(), k -> new long[2]);
            t[0] += r.records();
            t[1] += r.bytes();
            records += r.records();
            bytes += r.bytes();
        }
        double seconds = Math.max(1e-3, o.seconds());
        if (out.json) {
            ObjectNode n = Output.JSON.createObjectNode().put("event", "summary").put("records", records)
                    .put("bytes", bytes).put("seconds", Math.round(seconds * 1000) / 1000.0)
                    .put("rate_per_second", Math.round(records / seconds * 10) / 10.0)
                    .put("bytes_per_second", Math.round(bytes / seconds)).put("interrupted", o.interrupted())
                    .put("complete", o.complete());
            ObjectNode topics = n.putObject("topics");
            perTopic.forEach((t, c) -> topics.putObject(t).put("records", c[0]).put("bytes", c[1]));
            out.out.println(n);
            return;
        }
        StringBuilder s = new StringBuilder(String.format("restored %,d records (%s) in %.1f s: %,.0f records/s, %s/s",
                records, Output.bytes(bytes), seconds, records / seconds, Output.bytes((long) (bytes / seconds))));
        perTopic.forEach((t, c) -> s.append(String.format("%n  %s: %,d records (%s)", t, c[0], Output.bytes(c[1]))));
        if (o.interrupted()) {
            s.append("\ninterrupted: run the same command again to resume after the last checkpoints");
        } else if (!o.complete()) {
            s.append("\nstopped at --limit: run the same command again to continue");
        } else if (records == 0) {
            s.append("\nthe records of this restore were all restored before; nothing sent");
        }
        out.text(s.toString());
    }

    /** Reports one group; false when it was refused. */
    boolean group(GroupTranslator.Outcome g) {
        if (g.refused() != null) {
            if (out.json) {
                out.out.println(Output.JSON.createObjectNode().put("event", "group_refused").put("group", g.group())
                        .put("reason", g.refused()));
            } else {
                out.note("refused: " + g.refused());
            }
            return false;
        }
        if (g.moves().isEmpty()) {
            out.text("group " + g.group() + ": moved by an earlier run of this restore; left alone");
            return true;
        }
        moves(g.group(), g.moves(), "group");
        return true;
    }

    private void moves(String group, List<GroupTranslator.Move> moves, String event) {
        if (!out.json) {
            out.text((event.equals("group") ? "moved group " : "  group ") + group + ":");
        }
        for (GroupTranslator.Move m : moves) {
            if (out.json) {
                out.out.println(Output.JSON.createObjectNode().put("event", event).put("group", group)
                        .put("topic", m.topic()).put("partition", m.partition()).put("old_offset", m.oldOffset())
                        .put("target_topic", m.targetTopic()).put("new_offset", m.newOffset()));
            } else {
                out.text(String.format("    %s-%d offset %,d -> %s-%d offset %,d", m.topic(), m.partition(),
                        m.oldOffset(), m.targetTopic(), m.partition(), m.newOffset()));
            }
        }
    }
}
