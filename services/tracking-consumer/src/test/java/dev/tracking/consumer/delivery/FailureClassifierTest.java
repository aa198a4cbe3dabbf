package dev.tracking.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FailureClassifierTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "200, DELIVERED",
        "202, DELIVERED",
        "400, BISECT",
        "401, MISCONFIGURED",
        "403, MISCONFIGURED",
        "404, MISCONFIGURED",
        "405, MISCONFIGURED",
        "301, MISCONFIGURED",
        "408, RETRY",
        "413, SPLIT",
        "415, MISCONFIGURED",
        "429, RETRY",
        "500, RETRY",
        "502, RETRY",
        "503, RETRY",
        "504, RETRY",
    })
    void classifiesEachStatusOfTheCaptureContract(int status, Verdict expected) {
        assertThat(FailureClassifier.classify(status)).isEqualTo(expected);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(new HttpTimeoutException("request timed out")),
                Arguments.of(new ConnectException("Connection refused")),
                Arguments.of(new IOException("HTTP/1.1 header parser received no bytes")),
                Arguments.of(new CompletionException(new IOException("connection reset"))),
                Arguments.of(CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x"))),
                Arguments.of(new IllegalStateException("unexpected")));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void everyRequestWithoutAResponseIsRetryable(Throwable error) {
        assertThat(FailureClassifier.classify(error)).isEqualTo(Verdict.RETRY);
        assertThat(FailureClassifier.classify(error).isRetryable()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"DELIVERED, false", "RETRY, true", "SPLIT, false", "BISECT, false", "MISCONFIGURED, false"})
    void onlyRetryIsRetryable(Verdict verdict, boolean retryable) {
        assertThat(verdict.isRetryable()).isEqualTo(retryable);
    }
}
