package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void aSavedCheckpointLoadsBackWithItsStartOffset() throws Exception {
        Path file = dir.resolve("orders-0.checkpoint");
        RestoreCheckpoint first = new RestoreCheckpoint("orders/0 -> orders/0@c until=end", "", 0, 42, false);
        first.advance("cursor-1", 5_000).advance("cursor-2", 1_234).save(file);

        assertThat(RestoreCheckpoint.load(file, "orders/0 -> orders/0@c until=end")).hasValueSatisfying(c -> {
            assertThat(c.cursor()).isEqualTo("cursor-2");
            assertThat(c.restored()).isEqualTo(6_234);
            assertThat(c.start()).isEqualTo(42);
            assertThat(c.complete()).isFalse();
        });
    }

    @Test
    void anUnfinishedCheckpointOfAnotherRestoreIsRefusedAndAFinishedOneIsForgotten() throws Exception {
        Path file = dir.resolve("orders-0.checkpoint");
        RestoreCheckpoint other = new RestoreCheckpoint("orders/0 -> orders/0@c until=2024-05-01T00:00:00Z", "x", 7, 0,
                false);
        other.save(file);
        assertThatThrownBy(() -> RestoreCheckpoint.load(file, "orders/0 -> orders/0@c until=end"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("belongs to another restore")
                .hasMessageContaining("--restart");

        other.completed().save(file);
        assertThat(RestoreCheckpoint.load(file, "orders/0 -> orders/0@c until=end")).isEmpty();
    }

    @Test
    void noFileMeansNoCheckpoint() throws Exception {
        assertThat(RestoreCheckpoint.load(dir.resolve("missing"), "any")).isEmpty();
    }
}
