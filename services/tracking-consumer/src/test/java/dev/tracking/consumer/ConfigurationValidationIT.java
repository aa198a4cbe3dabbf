package dev.tracking.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A bad setting stops start-up with a message naming the key and the value (no broker needed: binding fails first). */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(60)
class ConfigurationValidationIT {

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(
                        "tracking.posthog.host=ftp://posthog.example",
                        "tracking.posthog.host",
                        "ftp://posthog.example"),
                Arguments.of("tracking.posthog.batch-size=0", "tracking.posthog.batch-size", "0"),
                Arguments.of("tracking.posthog.gzip-level=12", "tracking.posthog.gzip-level", "12"),
                Arguments.of("tracking.posthog.request-timeout=soon", "tracking.posthog.request-timeout", "soon"),
                Arguments.of("tracking.posthog.max-request-size=50MB", "tracking.posthog.max-request-size", "50MB"),
                Arguments.of("tracking.dedup.store=postgres", "tracking.dedup.store", "postgres"),
                Arguments.of("tracking.topics.engagement=bad topic!", "tracking.topics.engagement", "bad topic!"),
                Arguments.of("tracking.delivery.retry.max-attempts=0", "tracking.delivery.retry.max-attempts", "0"),
                Arguments.of( // with the default 10s request timeout and 5s back-off, past half of the 300 s poll
                        // interval
                        "tracking.delivery.in-place-limit=140s", "tracking.delivery.in-place-limit", "PT2M20S"),
                Arguments.of("tracking.delivery.max-rejected-events=0", "tracking.delivery.max-rejected-events", "0"),
                Arguments.of("tracking.topics.partitions=0", "tracking.topics.partitions", "0"),
                Arguments.of("tracking.events.tiers=1,4", "tracking.events.tiers", "1,4"),
                Arguments.of("tracking.events.disabled=dashboard_view", "tracking.events.disabled", "dashboard_view"),
                Arguments.of( // ISO form: Boot shows the value as it converted it
                        "tracking.schema-registry.unknown-schema-hold=PT-1M",
                        "tracking.schema-registry.unknown-schema-hold",
                        "PT-1M"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "--tracking.events.tiers=4 | valid tiers are 1 (core funnel), 2 (engagement), 3 (growth)",
                "--tracking.events.disabled=signup | events that can be disabled are analytics_viewed, dashboard_first_view",
                "--tracking.events.disabled=$groupidentify | '$groupidentify' is not tiered: it is always sent"
            })
    void aTierOrEventThatDoesNotExistStopsStartUpNamingTheValidOnes(
            String setting, String message, CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(TrackingConsumerApplication.class)
                        .web(WebApplicationType.NONE)
                        .run(setting, "--spring.kafka.bootstrap-servers=127.0.0.1:1"))
                .isNotNull();

        assertThat(output.getAll()).contains(message);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "--KAFKA_SECURITY_PROTOCOL=SASL_TLS | KAFKA_SECURITY_PROTOCOL 'SASL_TLS' is not valid: expected one of"
                        + " PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
                "--KAFKA_SASL_MECHANISM=PLAIN | KAFKA_SASL_MECHANISM is set but security.protocol is PLAINTEXT"
            })
    void aBadKafkaSecurityVariableStopsStartUpNamingItAndWhatIsValid(String setting, String message) {
        // the variables are read from the environment; a command-line argument of the same name stands in for it
        assertThatThrownBy(() -> new SpringApplicationBuilder(TrackingConsumerApplication.class)
                        .web(WebApplicationType.NONE)
                        .run(setting, "--spring.kafka.bootstrap-servers=127.0.0.1:1"))
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void aBadSettingStopsStartUpNamingTheKeyAndTheValue(
            String setting, String key, String value, CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(TrackingConsumerApplication.class)
                        .web(WebApplicationType.NONE)
                        .run("--" + setting, "--spring.kafka.bootstrap-servers=127.0.0.1:1"))
                .isNotNull();

        // Boot names nested keys in camelCase (tracking.delivery.retry.maxAttempts): compare in relaxed form
        String relaxed = output.getAll().toLowerCase(java.util.Locale.ROOT).replace("-", "");
        assertThat(relaxed).contains(key.toLowerCase(java.util.Locale.ROOT).replace("-", ""));
        assertThat(output.getAll()).contains(value);
    }
}
