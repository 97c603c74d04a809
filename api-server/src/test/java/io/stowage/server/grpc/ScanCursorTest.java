package io.stowage.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.server.storage.error.InvalidRequestException;
import io.stowage.server.storage.index.ScanOrder;
import io.stowage.server.storage.index.ScanPosition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScanCursorTest {

    @Test
    void aTimeOrderPositionRoundTripsToTheMicrosecond() {
        ScanPosition p = ScanPosition.inTimeOrder(Instant.parse("2024-03-01T10:00:00.123456Z"), "id-1");
        assertThat(ScanCursor.decode(ScanCursor.encode(p), ScanOrder.TIME)).isEqualTo(p);
    }

    @Test
    void timesBeforeTheEpochRoundTrip() {
        ScanPosition p = ScanPosition.inTimeOrder(Instant.parse("1969-12-31T23:59:59.999999Z"), "x");
        assertThat(ScanCursor.decode(ScanCursor.encode(p), ScanOrder.TIME)).isEqualTo(p);
    }

    @Test
    void aKafkaOrderPositionRoundTripsWithAnyId() {
        ScanPosition p = ScanPosition.inKafkaOrder(7, Long.MAX_VALUE, "ünïcødé/ id=✓");
        assertThat(ScanCursor.decode(ScanCursor.encode(p), ScanOrder.KAFKA_OFFSET)).isEqualTo(p);
        ScanPosition empty = ScanPosition.inKafkaOrder(0, 0, "");
        assertThat(ScanCursor.decode(ScanCursor.encode(empty), ScanOrder.KAFKA_OFFSET)).isEqualTo(empty);
    }

    @Test
    void theCursorIsUrlSafe() {
        String cursor = ScanCursor.encode(ScanPosition.inTimeOrder(Instant.parse("2024-03-01T10:00:00Z"), "???>>>~~~"));
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void aCursorOfTheOtherOrderIsRefused() {
        String time = ScanCursor.encode(ScanPosition.inTimeOrder(Instant.EPOCH, "a"));
        String kafka = ScanCursor.encode(ScanPosition.inKafkaOrder(1, 2, "a"));

        assertThatThrownBy(() -> ScanCursor.decode(time, ScanOrder.KAFKA_OFFSET))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not one that a Scan in this order");
        assertThatThrownBy(() -> ScanCursor.decode(kafka, ScanOrder.TIME)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void garbageIsRefusedAsAnInvalidRequest() {
        assertThatThrownBy(() -> ScanCursor.decode("not base64!", ScanOrder.TIME))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ScanCursor.decode("AQ", ScanOrder.TIME)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ScanCursor.decode("", ScanOrder.TIME)).isInstanceOf(InvalidRequestException.class);
    }
}
