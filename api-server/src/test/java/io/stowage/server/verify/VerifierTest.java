package io.stowage.server.verify;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.server.testing.MemoryEngine;
import io.stowage.server.verify.Problem.Kind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verify over the in-memory index and files; damage that needs SQL is in VerifyServiceTest. */
class VerifierTest {
    private static final Instant T = Instant.parse("2024-01-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aSoundArchiveHasNoProblems() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a", "s", "t", T, "A"), event("b", "r", "t", T, "B")));

            VerifyReport report = e.verifier().verify(false, new Collecting());

            assertThat(report.problems()).isZero();
            assertThat(report.messagesChecked()).isEqualTo(2);
            assertThat(report.objectsChecked()).isEqualTo(2);
        }
    }

    @Test
    void anOrphanObjectIsRemovedOnRepairAndAnotherApplicationsObjectIsLeftAlone() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a", "s", "t", T, "A")));
            e.blobs().put("stream=s/type=t/dt=2024-01-01/hr=10/orphan.bson", new byte[] {1});
            e.blobs().put("someone-else/notes.txt", new byte[] {2});

            Collecting found = new Collecting();
            e.verifier().verify(true, found);

            assertThat(found.problems).extracting(Problem::kind, Problem::repaired)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.ORPHAN_OBJECT, true));
            assertThat(e.objects()).hasSize(2).contains("someone-else/notes.txt");
            assertThat(e.verifier().verify(false, new Collecting()).problems()).isZero();
        }
    }

    @Test
    void aMissingObjectIsReportedAndNotRepaired() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a", "s", "t", T, "A")));
            e.blobs().delete(e.objects().get(0));

            Collecting found = new Collecting();
            VerifyReport report = e.verifier().verify(true, found);

            assertThat(found.problems).extracting(Problem::kind).containsExactly(Kind.MISSING_OBJECT);
            assertThat(report.repaired()).isZero();
        }
    }

    private static final class Collecting implements VerifyListener {
        final List<Problem> problems = new ArrayList<>();

        @Override
        public void progress(String phase, long done, long total) {}

        @Override
        public void problem(Problem problem) {
            problems.add(problem);
        }
    }
}
