package io.stowage.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * B5 for each kind of value and each stored form (STOWAGE_SEGMENT_COMPRESSION), each on a server,
 * bucket and schema of its own filled with the same messages: what compressed segments save.
 * A BENCH_SERVER_STOWAGE_SEGMENT_COMPRESSION in the environment would override the form here too,
 * so leave it unset when these figures matter.
 */
final class StoredForms {
    private static final List<String> FORMS = List.of("none", "zstd");

    private StoredForms() {}

    static List<Entry> run(Sizes sizes, Backends backends, Stowage stowage) throws Exception {
        int records = Math.min(sizes.stored(), sizes.quick() ? 20_000 : 100_000);
        List<Entry> entries = new ArrayList<>();
        for (Payloads.Kind kind : Payloads.Kind.values()) {
            for (String form : FORMS) {
                String name = "b5-" + kind.name().toLowerCase(Locale.ROOT) + "-" + form;
                Progress.say("B5 with %s values stored as %s: %,d messages", kind, form, records);
                try (ServerProcess server = stowage.server("server-" + name, name.replace('-', '_'),
                        new Store.Bucket(name), sizes.serverHeap(), List.of(),
                        Map.of("STOWAGE_SEGMENT_COMPRESSION", form))) {
                    double cpuBefore = ProcCpu.seconds(server.process().pid());
                    Filler.Filled f = Filler.fillTo(records, backends, server, sizes.recordBytes(), kind);
                    double cpuPerThousand = (ProcCpu.seconds(server.process().pid()) - cpuBefore) * 1e6 / f.records();
                    Entry e = Footprint.storage(backends, name, f.records(), f.payloadBytes(),
                            String.format(Locale.ROOT, "B5 stored bytes per message, %s values, %s", kind, form));
                    // CPU time, unlike a rate, is not much moved by what else runs on the machine
                    entries.add(e.withNote(e.note() + String.format(Locale.ROOT, "; the api-server's CPU time while"
                            + " storing them (PutBatch of 1,000): %.0f ms per 1,000 messages", cpuPerThousand)));
                }
            }
        }
        return entries;
    }
}
