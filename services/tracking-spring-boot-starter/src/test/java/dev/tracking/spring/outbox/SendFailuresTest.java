package dev.tracking.spring.outbox;

import static dev.tracking.spring.outbox.SendFailures.Verdict.PARK;
import static dev.tracking.spring.outbox.SendFailures.Verdict.RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracking.client.FactNotPublishedException;
import dev.tracking.client.InvalidFactException;
import dev.tracking.client.registry.SchemaRegistryUnavailableException;
import dev.tracking.client.serde.UndecodableFactException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SendFailuresTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(notAcknowledged(new TimeoutException("Expiring 1 record(s)")), RETRY),
                Arguments.of(notAcknowledged(new NotEnoughReplicasException("1 of 3 in sync")), RETRY),
                Arguments.of(notAcknowledged(new TopicAuthorizationException("facts.subscriptions")), RETRY),
                Arguments.of(new SchemaRegistryUnavailableException("registry unreachable", null), RETRY),
                Arguments.of(new IllegalStateException("producer closed"), RETRY),
                Arguments.of(notAcknowledged(new RecordTooLargeException("1.2 MB")), PARK),
                Arguments.of(notAcknowledged(new InvalidTopicException("facts/subscriptions")), PARK),
                Arguments.of(new InvalidFactException("SubscriptionStarted", List.of("seats is negative: -4")), PARK),
                Arguments.of(new UndecodableFactException("corrupt Avro body", null, null), PARK),
                Arguments.of(new IllegalArgumentException("plan is null but not nullable"), PARK));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("failures")
    void classifiesAFailedSendOnceUnwrapped(Throwable failure, SendFailures.Verdict verdict) {
        assertThat(SendFailures.classify(failure)).isEqualTo(verdict);
        assertThat(SendFailures.classify(new ExecutionException(failure))).isEqualTo(verdict);
        assertThat(SendFailures.classify(new CompletionException(failure))).isEqualTo(verdict);
    }

    private static FactNotPublishedException notAcknowledged(Exception kafka) {
        return new FactNotPublishedException("SubscriptionStarted", "facts.subscriptions", "e-1", Instant.EPOCH, kafka);
    }
}
