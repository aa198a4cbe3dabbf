package dev.tracking.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
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
                Arguments.of(new HttpTimeoutException("request timed out"), Verdict.RETRY),
                Arguments.of(new ConnectException("Connection refused"), Verdict.RETRY),
                Arguments.of(new IOException("HTTP/1.1 header parser received no bytes"), Verdict.RETRY),
                Arguments.of(new CompletionException(new IOException("connection reset")), Verdict.RETRY),
                Arguments.of(
                        new UncheckedIOException(new SSLHandshakeException("PKIX path building failed")),
                        Verdict.RETRY),
                Arguments.of(
                        CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x")),
                        Verdict.RETRY),
                Arguments.of(
                        new CompletionException(new PostHogUnavailableException("Retry-After: 600", null)),
                        Verdict.RETRY_LATER),
                Arguments.of(new PostHogMisconfiguredException(401, "bad key"), Verdict.MISCONFIGURED),
                Arguments.of(new IllegalArgumentException("unsupported URI scheme"), Verdict.MISCONFIGURED),
                Arguments.of(new IllegalStateException("a bug"), Verdict.MISCONFIGURED));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("errors")
    void classifiesARequestWithoutAResponseByItsCause(Throwable error, Verdict expected) {
        assertThat(FailureClassifier.classify(error)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "400 with {0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "event submitted without a distinct_id | BISECT",
                "failed to parse request: invalid uuid at line 1 column 80 | BISECT",
                "event submitted with invalid timestamp | BISECT",
                "request holds no event | BISECT",
                "invalid event could not be processed | BISECT",
                "{\"type\": \"validation_error\", \"code\": \"invalid_payload\", \"detail\": \"x\"} | BISECT",
                "<html><head><title>400 Bad Request</title></head><body>nginx</body></html> | MISCONFIGURED",
                "Bad Request | MISCONFIGURED",
                "{\"message\": \"Bad Request\"} | MISCONFIGURED",
                "'' | MISCONFIGURED",
            })
    void aBadRequestIsBisectedOnlyWhenPostHogItselfRefusedIt(String body, Verdict expected) {
        assertThat(FailureClassifier.classify(new PostHogTransport.Response(400, null, body)))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"200, DELIVERED", "413, SPLIT", "503, RETRY", "401, MISCONFIGURED"})
    void otherStatusesAreClassifiedWhateverTheBody(int status, Verdict expected) {
        assertThat(FailureClassifier.classify(new PostHogTransport.Response(status, null, "<html>proxy</html>")))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "DELIVERED, false",
        "RETRY, true",
        "RETRY_LATER, true",
        "SPLIT, false",
        "BISECT, false",
        "MISCONFIGURED, false"
    })
    void onlyRetriesAreRetryable(Verdict verdict, boolean retryable) {
        assertThat(verdict.isRetryable()).isEqualTo(retryable);
    }
}
