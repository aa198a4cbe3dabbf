package dev.tracking.client;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracking.schemas.FactFamily;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Configuration rules of the publisher's builder; no producer is built, no broker is needed. */
class FactPublisherTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"acks, 1", "acks, 0", "enable.idempotence, false", "enable.idempotence, no"})
    void refusesToWeakenDeliveryGuarantees(String key, String value) {
        assertThatThrownBy(() -> FactPublisher.builder().producerProperty(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key + "=" + value)
                .hasMessageContaining("acks=all");
    }

    @Test
    void refusesToWeakenDeliveryGuaranteesGivenAsNonStrings() {
        assertThatThrownBy(() -> FactPublisher.builder().producerProperty(ProducerConfig.ACKS_CONFIG, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> FactPublisher.builder().producerProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsTheGuaranteesItNeedsSpelledEitherWay() {
        assertThatCode(() -> FactPublisher.builder()
                        .producerProperty(ProducerConfig.ACKS_CONFIG, "all")
                        .producerProperty(ProducerConfig.ACKS_CONFIG, "-1")
                        .producerProperty(ProducerConfig.ACKS_CONFIG, -1)
                        .producerProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                        .producerProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @EnumSource(FactFamily.class)
    void refusesABlankTopic(FactFamily family) {
        assertThatThrownBy(() -> FactPublisher.builder().topic(family, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(family.key());
    }

    @Test
    void requiresBootstrapServers() {
        assertThatThrownBy(() -> FactPublisher.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bootstrapServers");
    }
}
