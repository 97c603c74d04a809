package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicFilterTest {

    @Test
    void everythingIsIncludedButKafkaInternalAndHeartbeatTopicsByDefault() {
        TopicFilter filter = new TopicFilter(".*", TopicFilter.DEFAULT_VETO);

        assertThat(filter.accepts("alerts")).isTrue();
        assertThat(filter.accepts("gcn.notices.swift")).isTrue();
        assertThat(filter.accepts("__consumer_offsets")).isFalse();
        assertThat(filter.accepts("__transaction_state")).isFalse();
        assertThat(filter.accepts("_schemas")).isFalse();
        assertThat(filter.accepts("_confluent-metrics")).isFalse();
        assertThat(filter.accepts("sys.heartbeat")).isFalse();
        assertThat(filter.accepts("sys.heartbeat-cadc")).isFalse();
    }

    @Test
    void aVetoMustMatchTheWholeTopicName() {
        TopicFilter filter = new TopicFilter(".*", "secret");

        assertThat(filter.accepts("secret")).isFalse();
        assertThat(filter.accepts("secrets")).isTrue();
        assertThat(filter.accepts("top-secret")).isTrue();
    }

    @Test
    void theIncludePatternMustMatchTheWholeTopicNameToo() {
        TopicFilter filter = new TopicFilter("gcn\\..*", "");

        assertThat(filter.accepts("gcn.circulars")).isTrue();
        assertThat(filter.accepts("lvk.gcn.alerts")).isFalse();
    }

    @Test
    void vetoesAreCommaSeparatedTrimmedAndBlankOnesIgnored() {
        TopicFilter filter = new TopicFilter(".*", " a.* , ,b ");

        assertThat(filter.accepts("abc")).isFalse();
        assertThat(filter.accepts("b")).isFalse();
        assertThat(filter.accepts("c")).isTrue();
    }

    @Test
    void anAlternationInAVetoCannotEscapeItsGroup() {
        TopicFilter filter = new TopicFilter("x|y|z", "x|z");

        assertThat(filter.accepts("x")).isFalse();
        assertThat(filter.accepts("y")).isTrue();
        assertThat(filter.accepts("z")).isFalse();
    }

    @Test
    void theCombinedPatternIsWhatTheConsumerSubscribesWith() {
        TopicFilter filter = new TopicFilter("t.*", "tmp");

        assertThat(filter.pattern().matcher("topic").matches()).isTrue();
        assertThat(filter.pattern().matcher("tmp").matches()).isFalse();
    }

    @Test
    void anInvalidExpressionIsRefusedWithItsText() {
        assertThatThrownBy(() -> new TopicFilter("alerts[", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'alerts['");
        assertThatThrownBy(() -> new TopicFilter(".*", "ok,(unclosed"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'(unclosed'");
    }
}
