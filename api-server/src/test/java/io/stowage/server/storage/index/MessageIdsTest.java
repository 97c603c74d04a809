package io.stowage.server.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void onlyTheCanonicalTextOfAUuidIsKeptAsOne() {
        String canonical = "3426d090-1b8a-4a09-ac9c-41f2de24d5ac";
        assertThat(MessageIds.asUuid(canonical)).contains(UUID.fromString(canonical));
        assertThat(MessageIds.asUuid(canonical).orElseThrow().toString()).isEqualTo(canonical);

        assertThat(MessageIds.asUuid(canonical.toUpperCase(java.util.Locale.ROOT))).isEmpty();
        assertThat(MessageIds.asUuid("{" + canonical + "}")).isEmpty();
        assertThat(MessageIds.asUuid(canonical.replace("-", ""))).isEmpty();
        assertThat(MessageIds.asUuid("1-1-1-1-1")).isEmpty(); // UUID.fromString takes it, as 00000001-0001-...
        assertThat(MessageIds.asUuid("3426d090-1b8a-4a09-ac9c-41f2de24d5ag")).isEmpty();
        assertThat(MessageIds.asUuid("3426d090x1b8a-4a09-ac9c-41f2de24d5ac")).isEmpty();
        assertThat(MessageIds.asUuid("0123456789abcdef")).isEmpty();
    }

    @Test
    void theTextOfAnyUuidReadsBackAsThatUuid() {
        List<UUID> uuids = new ArrayList<>(List.of(new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, 1)));
        for (int i = 0; i < 1000; i++) {
            uuids.add(UUID.randomUUID());
        }
        for (UUID u : uuids) {
            assertThat(MessageIds.asUuid(u.toString())).contains(u);
        }
    }

    @Test
    void idsAreOrderedByCodePointAsTheBytesOfTheirUtf8() {
        List<String> ids = new ArrayList<>(List.of("\uD83D\uDE00", "\uFF21", "a", "B", "3426d090", "3426D090", ""));
        ids.sort(MessageIds.ORDER);
        // U+FF21 sorts before U+1F600 by code point, though not by UTF-16 unit (0xFF21 > 0xD83D)
        assertThat(ids).containsExactly("", "3426D090", "3426d090", "B", "a", "\uFF21", "\uD83D\uDE00");
    }
}
