package dev.tracking.testkit.posthog;

import static dev.tracking.testkit.posthog.Batches.API_KEY;
import static dev.tracking.testkit.posthog.Batches.batch;
import static dev.tracking.testkit.posthog.Batches.batchFor;
import static dev.tracking.testkit.posthog.Batches.event;
import static dev.tracking.testkit.posthog.Batches.gzip;
import static dev.tracking.testkit.posthog.Batches.signupOfAlice;
import static dev.tracking.testkit.posthog.Batches.signupOfBob;
import static dev.tracking.testkit.posthog.Batches.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FakePostHogIT {

    private final FakePostHog posthog = FakePostHog.start(API_KEY);
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @AfterEach
    void stop() {
        posthog.close();
    }

    private HttpResponse<String> post(byte[] body, boolean gzip) throws IOException, InterruptedException {
        return post(posthog.batchUri(), body, gzip, Duration.ofSeconds(10));
    }

    private HttpResponse<String> post(URI uri, byte[] body, boolean gzip, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return post(utf8(body), false);
    }

    @Test
    void acceptsValidGzipBatchAndRecordsItsEvents() throws Exception {
        HttpResponse<String> response = post(gzip(batch(signupOfAlice(), signupOfBob())), true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"Ok\"}");
        assertThat(posthog.eventCount()).isEqualTo(2);
        CapturedEvent alice = posthog.events().get(0);
        assertThat(alice.event()).isEqualTo("user_signed_up");
        assertThat(alice.distinctId()).isEqualTo("user-alice");
        assertThat(alice.uuid()).isEqualTo(Batches.ALICE_SIGNUP_UUID);
        assertThat(alice.timestamp()).isEqualTo("2025-03-01T10:15:30.123Z");
        assertThat(alice.properties().path("plan").asText()).isEqualTo("free");
        assertThat(alice.rawJson()).isEqualTo(signupOfAlice());
        assertThat(alice.deliveredByAbandonedRequest()).isFalse();
        CapturedRequest request = posthog.requests().get(0);
        assertThat(request.gzip()).isTrue();
        assertThat(request.compressedBytes()).isLessThan(request.uncompressedBytes());
        assertThat(request.eventCount()).isEqualTo(2);
        assertThat(request.sentAt()).isEqualTo("2025-03-01T10:15:31.000Z");
        assertThat(request.status()).isEqualTo(200);
        assertThat(request.eventsRecorded()).isTrue();
        assertThat(alice.requestNumber()).isEqualTo(request.number());
    }

    @Test
    void acceptsBatchPathWithoutTrailingSlash() throws Exception {
        HttpResponse<String> response =
                post(posthog.baseUri().resolve("/batch"), utf8(batch(signupOfAlice())), false, Duration.ofSeconds(5));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(posthog.eventCount()).isEqualTo(1);
    }

    @Test
    void answers404ForOtherPathsAnd405ForOtherMethods() throws Exception {
        HttpResponse<String> otherPath = post(
                posthog.baseUri().resolve("/capture/"), utf8(batch(signupOfAlice())), false, Duration.ofSeconds(5));
        HttpResponse<String> get = client.send(
                HttpRequest.newBuilder(posthog.batchUri()).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(otherPath.statusCode()).isEqualTo(404);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(posthog.events()).isEmpty();
        assertThat(posthog.requests()).extracting(CapturedRequest::status).containsExactly(404, 405);
    }

    @Test
    void rejectsWrongApiKeyWith401() throws Exception {
        HttpResponse<String> response = post(batchFor("phc_another_project", signupOfAlice()));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(posthog.requests().get(0).errorCode()).isEqualTo("ingest_key_unknown");
        assertThat(response.body()).doesNotContain("phc_another_project");
        assertThat(posthog.events()).isEmpty();
    }

    @Test
    void rejectsInvalidUuidWith400AndRecordsNothingFromTheBatch() throws Exception {
        HttpResponse<String> response = post(batch(signupOfAlice(), event("user_signed_up", "user-carol", "42", "{}")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body()).startsWith("failed to parse request: ").contains("uuid");
        assertThat(posthog.requests().get(0).errorCode()).isEqualTo("request_parsing_error");
        assertThat(posthog.events()).isEmpty();
        assertThat(posthog.requests().get(0).eventsRecorded()).isFalse();
    }

    @Test
    void rejectsEmptyBatchWith400() throws Exception {
        HttpResponse<String> response = post(batch());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("request holds no event");
    }

    @Test
    void rejectsBodyOverTheLimitWith413() throws Exception {
        posthog.limits().maxBodyBytes(50_000);
        String body = batch(event(
                "note_added", "user-alice", UUID.randomUUID().toString(), "{\"text\":\"" + "a".repeat(60_000) + "\"}"));

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(posthog.events()).isEmpty();
        assertThat(posthog.requests().get(0).compressedBytes()).isEqualTo(utf8(body).length);
    }

    @Test
    void rejectsGzipBodyOverTheLimitAfterDecompressionWith413() throws Exception {
        posthog.limits().maxBodyBytes(50_000);
        byte[] body = gzip(batch(event(
                "note_added",
                "user-alice",
                UUID.randomUUID().toString(),
                "{\"text\":\"" + "a".repeat(60_000) + "\"}")));
        assertThat(body.length).isLessThan(50_000);

        HttpResponse<String> response = post(body, true);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(posthog.events()).isEmpty();
    }

    @Test
    void rejectsBatchWithOneEventOverTheEventLimitWith413() throws Exception {
        posthog.limits().maxEventBytes(2_000);
        String big = event(
                "note_added", "user-alice", UUID.randomUUID().toString(), "{\"text\":\"" + "a".repeat(3_000) + "\"}");

        HttpResponse<String> response = post(batch(signupOfBob(), big));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(posthog.requests().get(0).errorCode()).isEqualTo("payload_too_large");
        assertThat(posthog.events()).isEmpty();
    }

    @Test
    void answersScripted503sThenAcceptsTheRetry() throws Exception {
        posthog.faults().next(Fault.status(503), 3);

        List<Integer> statuses = new ArrayList<>();
        for (int attempt = 0; attempt < 4; attempt++) {
            statuses.add(post(batch(signupOfAlice())).statusCode());
        }

        assertThat(statuses).containsExactly(503, 503, 503, 200);
        assertThat(posthog.events()).hasSize(1);
        assertThat(posthog.unexplainedDuplicates()).isEmpty();
        assertThat(posthog.requests())
                .extracting(CapturedRequest::fault)
                .containsExactly(Fault.status(503), Fault.status(503), Fault.status(503), null);
    }

    @Test
    void rateLimitedAnswerCarriesRetryAfterInSeconds() throws Exception {
        posthog.faults().next(Fault.rateLimited(Duration.ofSeconds(1)), 2);

        HttpResponse<String> first = post(batch(signupOfAlice()));
        HttpResponse<String> second = post(batch(signupOfAlice()));

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(first.body()).isEqualTo("rate limited");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(posthog.events()).isEmpty();
    }

    @Test
    void outageAnswers503UntilTurnedOff() throws Exception {
        posthog.faults().outage(true);
        int during = post(batch(signupOfAlice())).statusCode();
        posthog.faults().outage(false);
        int after = post(batch(signupOfAlice())).statusCode();

        assertThat(during).isEqualTo(503);
        assertThat(after).isEqualTo(200);
        assertThat(posthog.events()).hasSize(1);
    }

    @Test
    void slowAfterProcessingRecordsAndFlagsTheEventsWhileTheClientTimesOut() throws Exception {
        posthog.faults().next(Fault.slowAfterProcessing(Duration.ofSeconds(3)));

        assertThatThrownBy(() -> post(posthog.batchUri(), utf8(batch(signupOfAlice())), false, Duration.ofMillis(300)))
                .isInstanceOf(HttpTimeoutException.class);
        HttpResponse<String> retry = post(batch(signupOfAlice()));

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(posthog.events())
                .extracting(CapturedEvent::deliveredByAbandonedRequest)
                .containsExactly(true, false);
        assertThat(posthog.requests().get(0).status()).isEqualTo(200);
        assertThat(posthog.unexplainedDuplicates()).isEmpty();
    }

    @Test
    void slowAfterProcessingAnswersAfterTheDelayToAPatientClient() throws Exception {
        posthog.faults().next(Fault.slowAfterProcessing(Duration.ofMillis(400)));
        long start = System.nanoTime();

        HttpResponse<String> response = post(batch(signupOfAlice()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void resetAfterProcessingMakesHttpClientThrowAndRecordsFlaggedEvents() throws Exception {
        // warm a pooled connection first: the reset must also surface on a reused connection, not be retried silently
        assertThat(post(batch(signupOfBob())).statusCode()).isEqualTo(200);
        posthog.faults().next(Fault.resetAfterProcessing());

        assertThatThrownBy(() -> post(batch(signupOfAlice()))).isInstanceOf(IOException.class);

        assertThat(posthog.eventsNamed("user_signed_up"))
                .extracting(CapturedEvent::distinctId, CapturedEvent::deliveredByAbandonedRequest)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("user-bob", false),
                        org.assertj.core.groups.Tuple.tuple("user-alice", true));
        CapturedRequest reset = posthog.requests().get(1);
        assertThat(reset.status()).isEqualTo(CapturedRequest.NO_RESPONSE);
        assertThat(reset.eventsRecorded()).isTrue();
        assertThat(post(batch(signupOfAlice())).statusCode()).isEqualTo(200);
        assertThat(posthog.unexplainedDuplicates()).isEmpty();
    }

    @Test
    void resetBeforeProcessingMakesHttpClientThrowAndRecordsNothing() throws Exception {
        posthog.faults().next(Fault.resetBeforeProcessing());

        assertThatThrownBy(() -> post(batch(signupOfAlice()))).isInstanceOf(IOException.class);

        assertThat(posthog.events()).isEmpty();
        assertThat(posthog.requests().get(0).status()).isEqualTo(CapturedRequest.NO_RESPONSE);
    }

    @Test
    void quotaLimitedAnswers200AndRecordsNothing() throws Exception {
        posthog.faults().next(Fault.quotaLimited());

        HttpResponse<String> response = post(batch(signupOfAlice()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(posthog.events()).isEmpty();
        assertThat(posthog.requests().get(0).eventsRecorded()).isFalse();
    }

    @Test
    void rejectsEveryBatchHoldingAnEventMatchingARule() throws Exception {
        posthog.faults()
                .rejectEventsWhere(
                        e -> e.path("properties").path("plan").asText().equals("bad"));
        String bad =
                event("subscription_started", "user-carol", UUID.randomUUID().toString(), "{\"plan\":\"bad\"}");

        HttpResponse<String> mixed = post(batch(signupOfAlice(), bad));
        HttpResponse<String> again = post(batch(bad));
        HttpResponse<String> good = post(batch(signupOfAlice()));

        assertThat(mixed.statusCode()).isEqualTo(400);
        assertThat(mixed.body())
                .startsWith("invalid event could not be processed")
                .contains("batch[1]");
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(posthog.events()).extracting(CapturedEvent::distinctId).containsExactly("user-alice");
    }

    @Test
    void unexplainedDuplicatesAcceptsExactRepeatAfterAbandonedRequestAndCatchesAlteredRepeat() throws Exception {
        posthog.faults().next(Fault.resetAfterProcessing());
        assertThatThrownBy(() -> post(batch(signupOfAlice()))).isInstanceOf(IOException.class);
        post(batch(signupOfAlice()));

        assertThat(posthog.duplicatesByIdentity()).hasSize(1);
        assertThat(posthog.unexplainedDuplicates()).isEmpty();

        String aliceWithSendTime = signupOfAlice().replace("2025-03-01T10:15:30.123Z", "2025-03-01T10:20:00.000Z");
        post(batch(aliceWithSendTime));

        assertThat(posthog.unexplainedDuplicates()).singleElement().asString().contains("user-alice", "differs");
    }

    @Test
    void resetForgetsEventsRequestsFaultsAndLimits() throws Exception {
        post(batch(signupOfAlice()));
        posthog.faults().next(Fault.status(500), 5).outage(true);
        posthog.limits().maxBodyBytes(10);

        posthog.reset();

        assertThat(posthog.events()).isEmpty();
        assertThat(posthog.requests()).isEmpty();
        assertThat(posthog.eventCount()).isZero();
        assertThat(post(batch(signupOfAlice())).statusCode()).isEqualTo(200);
        assertThat(posthog.requests().get(0).number()).isEqualTo(2);
    }

    @Test
    void recordsEveryEventOfConcurrentRequestsOnce() throws Exception {
        int threads = 8;
        int requestsPerThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                for (int r = 0; r < requestsPerThread; r++) {
                    String distinctId = "user-" + t + "-" + r;
                    tasks.add(() -> post(
                                    gzip(batch(
                                            event(
                                                    "page_viewed",
                                                    distinctId,
                                                    UUID.randomUUID().toString(),
                                                    "{}"),
                                            event(
                                                    "page_viewed",
                                                    distinctId,
                                                    UUID.randomUUID().toString(),
                                                    "{}"))),
                                    true)
                            .statusCode());
                }
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                statuses.add(f.get());
            }

            assertThat(statuses).hasSize(threads * requestsPerThread).containsOnly(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(posthog.eventCount()).isEqualTo(2L * threads * requestsPerThread);
        assertThat(posthog.events()).hasSize(2 * threads * requestsPerThread);
        assertThat(posthog.requests())
                .extracting(CapturedRequest::number)
                .doesNotHaveDuplicates()
                .hasSize(threads * requestsPerThread);
        assertThat(posthog.duplicatesByIdentity()).isEmpty();
    }
}
