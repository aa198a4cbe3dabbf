package dev.tracking.posthogproject.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/** How long a 429 is waited out: PostHog's Retry-After in seconds or as an HTTP date, else 1, 2, 4... seconds. */
class RetryAfterTest {

    private static HttpResponse<String> answer(String retryAfter) {
        Map<String, List<String>> headers = retryAfter == null ? Map.of() : Map.of("Retry-After", List.of(retryAfter));
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return 429;
            }

            @Override
            public HttpRequest request() {
                return HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).build();
            }

            @Override
            public Optional<HttpResponse<String>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers() {
                return HttpHeaders.of(headers, (a, b) -> true);
            }

            @Override
            public String body() {
                return "";
            }

            @Override
            public Optional<SSLSession> sslSession() {
                return Optional.empty();
            }

            @Override
            public URI uri() {
                return URI.create("http://127.0.0.1/");
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }

    @Test
    void secondsAreTakenAsTheyAre() {
        assertThat(PostHogApiClient.retryAfter(answer("12"), 1)).isEqualTo(Duration.ofSeconds(12));
        assertThat(PostHogApiClient.retryAfter(answer("0"), 3)).isEqualTo(Duration.ZERO);
    }

    @Test
    void anHttpDateIsTheTimeUntilThen() {
        String inAMinute =
                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(61).format(DateTimeFormatter.RFC_1123_DATE_TIME);

        assertThat(PostHogApiClient.retryAfter(answer(inAMinute), 1))
                .isBetween(Duration.ofSeconds(55), Duration.ofSeconds(61));
    }

    @Test
    void withoutAUsableHeaderTheWaitDoublesPerAttempt() {
        assertThat(PostHogApiClient.retryAfter(answer(null), 1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(PostHogApiClient.retryAfter(answer(null), 3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(PostHogApiClient.retryAfter(answer("soon"), 2)).isEqualTo(Duration.ofSeconds(2));
    }
}
