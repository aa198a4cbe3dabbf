package dev.tracking.testkit.posthog;

import static dev.tracking.testkit.posthog.Batches.batch;
import static dev.tracking.testkit.posthog.Batches.batchFor;
import static dev.tracking.testkit.posthog.Batches.event;
import static dev.tracking.testkit.posthog.Batches.gzip;
import static dev.tracking.testkit.posthog.Batches.signupOfAlice;
import static dev.tracking.testkit.posthog.Batches.signupOfBob;
import static dev.tracking.testkit.posthog.Batches.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracking.testkit.posthog.BatchDecoder.Decoded;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BatchDecoderTest {
    private final BatchDecoder decoder = new BatchDecoder(new ObjectMapper());
    private final Limits limits = new Limits();
    private final FaultScript faults = new FaultScript();

    private Decoded decode(byte[] body, String contentEncoding) throws IOException {
        return decoder.decode(new ByteArrayInputStream(body), contentEncoding, limits, Batches.API_KEY, faults);
    }

    private Decoded decode(String body) throws IOException {
        return decode(utf8(body), null);
    }

    static Stream<Arguments> invalidRequests() {
        String ok = signupOfAlice();
        return Stream.of(
                Arguments.of("not JSON", "{\"api_key\":", 400, "request_parsing_error"),
                Arguments.of("top-level array", "[" + ok + "]", 400, "request_parsing_error"),
                Arguments.of("trailing garbage", batch(ok) + "x", 400, "request_parsing_error"),
                Arguments.of("missing batch", "{\"api_key\":\"phc_test_key\"}", 400, "request_parsing_error"),
                Arguments.of(
                        "batch not an array",
                        "{\"api_key\":\"phc_test_key\",\"batch\":{}}",
                        400,
                        "request_parsing_error"),
                Arguments.of("batch element not an object", batch("42"), 400, "request_parsing_error"),
                Arguments.of(
                        "duplicate batch field",
                        "{\"api_key\":\"phc_test_key\",\"batch\":[" + ok + "],\"batch\":[]}",
                        400,
                        "request_parsing_error"),
                Arguments.of("empty batch", batch(), 400, "empty_batch"),
                Arguments.of("event name missing", batch("{\"distinct_id\":\"u\"}"), 400, "request_parsing_error"),
                Arguments.of(
                        "event name not a string",
                        batch("{\"event\":1,\"distinct_id\":\"u\"}"),
                        400,
                        "request_parsing_error"),
                Arguments.of("event name empty", batch(event("", "u", null, "{}")), 400, "missing_event_name"),
                Arguments.of("event name blank", batch(event("  ", "u", null, "{}")), 400, "missing_event_name"),
                Arguments.of(
                        "distinct_id missing",
                        batch("{\"event\":\"e\",\"properties\":{}}"),
                        400,
                        "missing_distinct_id"),
                Arguments.of(
                        "distinct_id null",
                        batch("{\"event\":\"e\",\"distinct_id\":null}"),
                        400,
                        "missing_distinct_id"),
                Arguments.of("distinct_id blank", batch(event("e", " ", null, "{}")), 400, "missing_distinct_id"),
                Arguments.of(
                        "uuid not a UUID", batch(event("e", "u", "not-a-uuid", "{}")), 400, "request_parsing_error"),
                Arguments.of(
                        "uuid too short",
                        batch(event("e", "u", "0190b6d4-2a7e-7c3e-9a51-6f2d8e4b1c0", "{}")),
                        400,
                        "request_parsing_error"),
                Arguments.of(
                        "uuid not a string",
                        batch("{\"event\":\"e\",\"distinct_id\":\"u\",\"uuid\":7}"),
                        400,
                        "request_parsing_error"),
                Arguments.of(
                        "properties not an object",
                        batch("{\"event\":\"e\",\"distinct_id\":\"u\",\"properties\":[]}"),
                        400,
                        "request_parsing_error"),
                Arguments.of(
                        "timestamp not a string",
                        batch("{\"event\":\"e\",\"distinct_id\":\"u\",\"timestamp\":1}"),
                        400,
                        "request_parsing_error"),
                Arguments.of(
                        "one bad event among good ones",
                        batch(ok, event("e", "u", "nope", "{}"), signupOfBob()),
                        400,
                        "request_parsing_error"),
                Arguments.of("api_key missing", "{\"batch\":[" + ok + "]}", 401, "ingest_key_required"),
                Arguments.of("api_key empty", batchFor("", ok), 401, "ingest_key_unknown"),
                Arguments.of("api_key of another project", batchFor("phc_other", ok), 401, "ingest_key_unknown"));
    }

    @ParameterizedTest(name = "{0} -> {2} {3}")
    @MethodSource("invalidRequests")
    void rejectsInvalidRequestAsAWholeWithCapturesStatusAndCode(String why, String body, int status, String code)
            throws IOException {
        Decoded decoded = decode(body);

        assertThat(decoded.rejection()).as(why).isNotNull();
        assertThat(decoded.rejection().status()).as(why).isEqualTo(status);
        assertThat(decoded.rejection().code()).as(why).isEqualTo(code);
        assertThat(decoded.events()).as(why).isEmpty();
    }

    @Test
    void keepsTheExactTextOfEveryEventAsReceived() throws IOException {
        String spaced =
                "{ \"event\" : \"note_added\",\n \"distinct_id\":\"user-ünï\", \"properties\":{\"text\":\"a \\\"quoted\\\" €\"} }";
        String body = "{\"api_key\":\"phc_test_key\", \"batch\": [ " + signupOfAlice() + " ,\n" + spaced + "]}";

        Decoded decoded = decode(body);

        assertThat(decoded.rejection()).isNull();
        assertThat(decoded.events())
                .extracting(BatchDecoder.DecodedEvent::rawJson)
                .containsExactly(signupOfAlice(), spaced);
        assertThat(decoded.events().get(1).properties().path("text").asText()).isEqualTo("a \"quoted\" €");
    }

    @Test
    void readsIdentityFieldsTheWayCaptureDoes() throws IOException {
        Decoded decoded = decode(batch(
                "{\"event\":\"e\",\"properties\":{\"distinct_id\":\"from-properties\"}}",
                "{\"event\":\"e\",\"$distinct_id\":\"dollar\"}",
                "{\"event\":\"e\",\"distinct_id\":42,\"uuid\":\"\"}",
                "{\"event\":\"e\",\"distinct_id\":\"" + "x".repeat(250) + "\",\"uuid\":null}"));

        assertThat(decoded.rejection()).isNull();
        assertThat(decoded.events())
                .extracting(BatchDecoder.DecodedEvent::distinctId)
                .containsExactly("from-properties", "dollar", "42", "x".repeat(200));
        assertThat(decoded.events()).extracting(BatchDecoder.DecodedEvent::uuid).containsOnlyNulls();
    }

    @Test
    void acceptsUuidFormsThatCaptureAccepts() throws IOException {
        Decoded decoded = decode(batch(
                event("e", "u", "0190B6D4-2A7E-7C3E-9A51-6F2D8E4B1C01", "{}"),
                event("e", "u", "0190b6d42a7e7c3e9a516f2d8e4b1c01", "{}")));

        assertThat(decoded.rejection()).isNull();
    }

    @Test
    void recordsBatchLevelFields() throws IOException {
        Decoded decoded = decode("{\"api_key\":\"phc_test_key\",\"historical_migration\":true,"
                + "\"sent_at\":\"2025-03-01T10:15:31.000Z\",\"batch\":[" + signupOfAlice() + "]}");

        assertThat(decoded.historicalMigration()).isTrue();
        assertThat(decoded.sentAt()).isEqualTo("2025-03-01T10:15:31.000Z");
        assertThat(decoded.eventCount()).isEqualTo(1);
    }

    @Test
    void detectsGzipByMagicBytesEvenWithoutContentEncoding() throws IOException {
        byte[] body = gzip(batch(signupOfAlice(), signupOfBob()));

        Decoded decoded = decode(body, null);

        assertThat(decoded.rejection()).isNull();
        assertThat(decoded.gzip()).isTrue();
        assertThat(decoded.compressedBytes()).isEqualTo(body.length);
        assertThat(decoded.uncompressedBytes()).isEqualTo(utf8(batch(signupOfAlice(), signupOfBob())).length);
        assertThat(decoded.events()).hasSize(2);
    }

    @Test
    void rejectsCorruptGzipWith400() throws IOException {
        byte[] body = gzip(batch(signupOfAlice()));
        body[body.length / 2] ^= 0x5a;

        Decoded decoded = decode(body, "gzip");

        assertThat(decoded.rejection().status()).isEqualTo(400);
        assertThat(decoded.rejection().code()).isEqualTo("request_decoding_error");
    }

    @Test
    void rejectsBodyThatIsNotUtf8With400() throws IOException {
        byte[] body = utf8(batch(event("e", "u", null, "{\"x\":\"__\"}")));
        int at = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("__");
        body[at] = (byte) 0xc3;
        body[at + 1] = (byte) 0x28;

        assertThat(decode(body, null).rejection().code()).isEqualTo("request_decoding_error");
    }

    @Test
    void rejectsBodyOverTheLimitWith413AndCountsAllOfIt() throws IOException {
        String body = batch(signupOfAlice(), signupOfBob());
        limits.maxBodyBytes(100);

        Decoded decoded = decode(utf8(body), null);

        assertThat(decoded.rejection().status()).isEqualTo(413);
        assertThat(decoded.compressedBytes()).isEqualTo(utf8(body).length);
    }

    @Test
    void rejectsGzipBodyThatInflatesOverTheLimitWith413() throws IOException {
        String body = batch(event("e", "u", null, "{\"pad\":\"" + "a".repeat(10_000) + "\"}"));
        byte[] compressed = gzip(body);
        limits.maxBodyBytes(5_000);
        assertThat(compressed.length).isLessThan(5_000);

        Decoded decoded = decode(compressed, "gzip");

        assertThat(decoded.rejection().status()).isEqualTo(413);
        assertThat(decoded.rejection().code()).isEqualTo("payload_too_large");
    }

    @Test
    void rejectsBatchHoldingOneEventOverTheEventLimitWith413() throws IOException {
        String big = event("e", "u", null, "{\"pad\":\"" + "é".repeat(600) + "\"}");
        limits.maxEventBytes(1_000); // 600 'é' are 1,200 UTF-8 bytes

        Decoded decoded = decode(batch(signupOfAlice(), big));

        assertThat(decoded.rejection().status()).isEqualTo(413);
        assertThat(decoded.rejection().message()).contains("batch[1]");
    }

    @Test
    void rejectsBatchHoldingAnEventMatchingARejectionRuleWith400() throws IOException {
        faults.rejectEventsWhere(e -> e.path("properties").path("plan").asText().equals("team"));

        Decoded decoded = decode(batch(signupOfAlice(), signupOfBob()));

        assertThat(decoded.rejection().status()).isEqualTo(400);
        assertThat(decoded.rejection().code()).isEqualTo("invalid_event");
        assertThat(decoded.rejection().message()).contains("batch[1]");
        assertThat(decoded.events()).isEmpty();
    }
}
