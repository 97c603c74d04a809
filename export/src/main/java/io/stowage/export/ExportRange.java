package io.stowage.export;

import io.stowage.api.v1.ScanOrder;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.StreamStatus;
import io.stowage.client.StowageClient;
import io.stowage.common.config.ConfigException;
import io.stowage.common.message.Timestamps;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to export: streams named or matched by a pattern ({@code *} any characters, {@code ?} one),
 * an optional type, and a time range [since, until) widened to whole hours, so that every hour
 * partition written holds all of that hour's messages and a run again writes the same files.
 */
record ExportRange(List<String> streams, Optional<String> type, Optional<Instant> since, Optional<Instant> until) {

    static ExportRange of(List<String> streams, String type, Instant since, Instant until) {
        Optional<Instant> from = Optional.ofNullable(since).map(t -> t.truncatedTo(ChronoUnit.HOURS));
        Optional<Instant> to = Optional.ofNullable(until).map(t -> t.equals(t.truncatedTo(ChronoUnit.HOURS)) ? t
                : t.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS));
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new ConfigException("--since must be before --until");
        }
        return new ExportRange(List.copyOf(streams), Optional.ofNullable(type), from, to);
    }

    /** The streams to export: the names given, with patterns matched against the archive's streams. */
    List<String> resolveStreams(StowageClient client) {
        List<String> out = new ArrayList<>();
        List<String> known = null;
        for (String s : streams) {
            if (!s.contains("*") && !s.contains("?")) {
                out.add(s);
                continue;
            }
            if (known == null) {
                known = client.status(null).getStreamsList().stream().map(StreamStatus::getStream).sorted().toList();
            }
            Pattern p = glob(s);
            known.stream().filter(k -> p.matcher(k).matches() && !out.contains(k)).forEach(out::add);
        }
        return out;
    }

    /** A scan of one stream over this range, in time order with the messages. */
    ScanRequest scan(String stream) {
        ScanRequest.Builder req = ScanRequest.newBuilder().setStream(stream).setOrder(ScanOrder.SCAN_ORDER_TIME);
        type.ifPresent(req::setType);
        since.ifPresent(t -> req.setFrom(Timestamps.fromInstant(t)));
        until.ifPresent(t -> req.setTo(Timestamps.fromInstant(t)));
        return req.build();
    }

    boolean covers(Instant hour) {
        return since.map(s -> !hour.isBefore(s)).orElse(true) && until.map(hour::isBefore).orElse(true);
    }

    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
