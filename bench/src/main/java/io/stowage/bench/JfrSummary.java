package io.stowage.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a recorded process spent its CPU: the methods on top of the sampled stacks (self time),
 * Stowage's own methods anywhere on them (inclusive time), the busiest threads, and GC pauses;
 * and where its threads waited outside Java (sockets, disk), by the Stowage method that waited.
 */
final class JfrSummary {
    private JfrSummary() {}

    static String summarize(String title, Path recording, int top) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> waits = new HashMap<>();
        int samples = 0;
        int waitSamples = 0;
        Duration gcPause = Duration.ZERO;
        int gcs = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.GarbageCollection")) {
                    gcs++;
                    gcPause = gcPause.plus(e.getDuration("sumOfPauses"));
                    continue;
                }
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                if (type.equals("jdk.NativeMethodSample")) {
                    String waiter = nearestStowageFrame(stack.getFrames());
                    if (waiter != null) {
                        waitSamples++;
                        waits.merge(waiter + " <- " + name(stack.getFrames().get(0)), 1, Integer::sum);
                    }
                    continue;
                }
                if (!type.equals("jdk.ExecutionSample")) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                self.merge(name(frames.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    if (n.startsWith("io.stowage.") && seen.add(n)) {
                        inclusive.merge(n, 1, Integer::sum);
                    }
                }
                RecordedThread t = e.getThread("sampledThread");
                threads.merge(t == null ? "?" : threadGroup(t.getJavaName()), 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: %,d CPU samples, %d GCs pausing %,d ms in all (%s)%n", title,
                samples, gcs, gcPause.toMillis(), recording));
        append(out, "hottest methods (self)", self, samples, top);
        append(out, "Stowage methods (inclusive)", inclusive, samples, top);
        append(out, "threads", threads, samples, 6);
        append(out, String.format(Locale.ROOT, "waiting outside Java, %,d samples of threads in Stowage code (nearest"
                + " Stowage method <- native method)", waitSamples), waits, waitSamples, top);
        return out.toString();
    }

    private static void append(StringBuilder out, String heading, Map<String, Integer> counts, int samples, int top) {
        out.append("  ").append(heading).append(":\n");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.append(String.format(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * e.getValue() / samples,
                        e.getKey())));
    }

    private static String nearestStowageFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (n.startsWith("io.stowage.")) {
                return n;
            }
        }
        return null;
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** Thread names without their numbers, so that a pool's threads count together. */
    static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("\\d+", "N");
    }
}
