package dev.tracking.testkit.posthog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Named request fixtures for the capture contract tests. */
final class Batches {
    static final String API_KEY = "phc_test_key";
    static final String ALICE_SIGNUP_UUID = "0190b6d4-2a7e-7c3e-9a51-6f2d8e4b1c01";
    static final String BOB_SIGNUP_UUID = "0190b6d4-2a7e-7c3e-9a51-6f2d8e4b1c02";

    private Batches() {}

    /** Alice's signup, as our consumer would send it. */
    static String signupOfAlice() {
        return event(
                "user_signed_up",
                "user-alice",
                ALICE_SIGNUP_UUID,
                "{\"plan\":\"free\",\"email\":\"alice@example.com\"}");
    }

    /** Bob's signup. */
    static String signupOfBob() {
        return event("user_signed_up", "user-bob", BOB_SIGNUP_UUID, "{\"plan\":\"team\"}");
    }

    /** One event object; {@code uuid} may be null (left out). */
    static String event(String name, String distinctId, String uuid, String propertiesJson) {
        return "{\"event\":\"" + name + "\",\"distinct_id\":\"" + distinctId + "\""
                + (uuid == null ? "" : ",\"uuid\":\"" + uuid + "\"")
                + ",\"timestamp\":\"2025-03-01T10:15:30.123Z\",\"properties\":" + propertiesJson + "}";
    }

    /** A {@code /batch} body for {@link #API_KEY}. */
    static String batch(String... events) {
        return batchFor(API_KEY, events);
    }

    /** A {@code /batch} body for {@code apiKey}. */
    static String batchFor(String apiKey, String... events) {
        return "{\"api_key\":\"" + apiKey + "\",\"sent_at\":\"2025-03-01T10:15:31.000Z\",\"batch\":["
                + String.join(",", List.of(events)) + "]}";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(utf8(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
