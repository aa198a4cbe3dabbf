package dev.tracking.testkit.posthog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Decodes and validates one {@code /batch} body the way PostHog's capture service does (rust/capture:
 * {@code payload/decompression.rs}, {@code v0_request.rs}, {@code v0_endpoint.rs}, {@code api.rs}); pure apart from
 * reading the body stream.
 */
final class BatchDecoder {
    private static final int MAX_DISTINCT_ID_CHARS = 200;
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b, 0x08};
    // what Rust's uuid::Uuid::parse_str accepts: hyphenated, simple, braced, urn
    private static final Pattern UUID =
            Pattern.compile("(?i)(urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                    + "|\\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}|[0-9a-f]{32}");

    private final ObjectMapper mapper;

    BatchDecoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Why a request was refused: HTTP status, capture's error {@code code} and message. */
    record Rejection(int status, String code, String message) {
        static Rejection parsing(String detail) {
            return new Rejection(400, "request_parsing_error", "failed to parse request: " + detail);
        }
    }

    /** One event that passed validation. */
    record DecodedEvent(
            String event,
            String distinctId,
            String uuid,
            String timestamp,
            JsonNode properties,
            JsonNode node,
            String rawJson) {}

    /** The outcome: either {@code rejection} is {@code null} and {@code events} holds the batch, or it says why not. */
    record Decoded(
            boolean gzip,
            long compressedBytes,
            long uncompressedBytes,
            int eventCount,
            Boolean historicalMigration,
            String sentAt,
            List<DecodedEvent> events,
            Rejection rejection) {}

    /**
     * Reads {@code body} to its end and decodes it.
     *
     * @param contentEncoding the {@code Content-Encoding} header, or {@code null}
     * @param apiKey the only api_key accepted
     * @param faults supplies the persistent rejection rules
     */
    Decoded decode(InputStream body, String contentEncoding, Limits limits, String apiKey, FaultScript faults)
            throws IOException {
        long maxBody = limits.maxBodyBytes();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long compressed = copyUpTo(body, received, maxBody);
        if (compressed > maxBody) {
            compressed += drain(body);
            return rejected(
                    false,
                    compressed,
                    -1,
                    0,
                    new Rejection(413, "payload_too_large", "request body exceeds " + maxBody + " bytes"));
        }
        byte[] bytes = received.toByteArray();
        boolean gzip = isGzip(contentEncoding, bytes);
        byte[] plain = bytes;
        if (gzip) {
            ByteArrayOutputStream inflated = new ByteArrayOutputStream();
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                long size = copyUpTo(in, inflated, maxBody);
                if (size > maxBody) {
                    return rejected(
                            true,
                            compressed,
                            size,
                            0,
                            new Rejection(
                                    413,
                                    "payload_too_large",
                                    "maximum event size exceeded: Decompressed payload would exceed " + maxBody
                                            + " bytes"));
                }
            } catch (IOException e) {
                return rejected(
                        true,
                        compressed,
                        -1,
                        0,
                        new Rejection(400, "request_decoding_error", "failed to decode request: invalid GZIP data"));
            }
            plain = inflated.toByteArray();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain))
                    .toString();
        } catch (CharacterCodingException e) {
            return rejected(
                    gzip,
                    compressed,
                    plain.length,
                    0,
                    new Rejection(
                            400,
                            "request_decoding_error",
                            "failed to decode request: invalid UTF8 in request payload"));
        }
        return parse(text, gzip, compressed, plain.length, limits, apiKey, faults);
    }

    private Decoded parse(
            String text,
            boolean gzip,
            long compressed,
            long uncompressed,
            Limits limits,
            String apiKey,
            FaultScript faults)
            throws IOException {
        String token = null;
        boolean tokenPresent = false;
        Boolean historicalMigration = null;
        String sentAt = null;
        List<JsonNode> nodes = null;
        List<String> raws = new ArrayList<>();
        try (JsonParser p = mapper.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return rejected(
                        gzip,
                        compressed,
                        uncompressed,
                        0,
                        Rejection.parsing("expected a JSON object holding a batch array"));
            }
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (isKnownField(field) && !seen.add(field.equals("token") ? "api_key" : field)) {
                    return rejected(
                            gzip, compressed, uncompressed, 0, Rejection.parsing("duplicate field `" + field + "`"));
                }
                switch (field) {
                    case "api_key", "token" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            token = p.getText();
                            tokenPresent = true;
                        } else if (value != JsonToken.VALUE_NULL) {
                            return rejected(
                                    gzip, compressed, uncompressed, 0, Rejection.parsing("`api_key` must be a string"));
                        }
                    }
                    case "historical_migration" -> {
                        if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
                            historicalMigration = value == JsonToken.VALUE_TRUE;
                        } else if (value != JsonToken.VALUE_NULL) {
                            return rejected(
                                    gzip,
                                    compressed,
                                    uncompressed,
                                    0,
                                    Rejection.parsing("`historical_migration` must be a boolean"));
                        }
                    }
                    case "sent_at" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            sentAt = p.getText();
                        } else if (value != JsonToken.VALUE_NULL) {
                            return rejected(
                                    gzip, compressed, uncompressed, 0, Rejection.parsing("`sent_at` must be a string"));
                        }
                    }
                    case "batch" -> {
                        if (value != JsonToken.START_ARRAY) {
                            return rejected(
                                    gzip, compressed, uncompressed, 0, Rejection.parsing("`batch` must be an array"));
                        }
                        nodes = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() != JsonToken.START_OBJECT) {
                                return rejected(
                                        gzip,
                                        compressed,
                                        uncompressed,
                                        0,
                                        Rejection.parsing("batch[" + nodes.size() + "] is not an object"));
                            }
                            int start = (int) p.currentTokenLocation().getCharOffset();
                            nodes.add(p.readValueAsTree());
                            int end = (int) p.currentLocation().getCharOffset();
                            raws.add(text.substring(start, end));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return rejected(gzip, compressed, uncompressed, 0, Rejection.parsing("trailing characters"));
            }
        } catch (JsonProcessingException e) {
            return rejected(gzip, compressed, uncompressed, 0, Rejection.parsing(e.getOriginalMessage()));
        }
        if (nodes == null) {
            return rejected(gzip, compressed, uncompressed, 0, Rejection.parsing("missing field `batch`"));
        }
        int count = nodes.size();
        Decoded partial =
                new Decoded(gzip, compressed, uncompressed, count, historicalMigration, sentAt, List.of(), null);

        // serde-level checks: capture fails the whole request while deserializing
        for (int i = 0; i < count; i++) {
            Rejection r = typeErrors(nodes.get(i), i);
            if (r != null) {
                return withRejection(partial, r);
            }
        }
        if (!tokenPresent) {
            return withRejection(
                    partial, new Rejection(401, "ingest_key_required", "event submitted without an api_key"));
        }
        if (token.isEmpty() || !token.equals(apiKey)) {
            return withRejection(
                    partial,
                    new Rejection(
                            401,
                            "ingest_key_unknown",
                            "API key is not valid: " + (token.isEmpty() ? "empty" : "not this project's key")));
        }
        if (count == 0) {
            return withRejection(partial, new Rejection(400, "empty_batch", "request holds no event"));
        }
        List<DecodedEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            JsonNode node = nodes.get(i);
            String name = node.get("event").asText();
            if (name.isBlank()) {
                return withRejection(
                        partial,
                        new Rejection(
                                400,
                                "missing_event_name",
                                "event submitted with an empty event name (batch[" + i + "])"));
            }
            String distinctId = distinctId(node);
            if (distinctId == null) {
                return withRejection(
                        partial,
                        new Rejection(
                                400,
                                "missing_distinct_id",
                                "event submitted without a distinct_id (batch[" + i + "])"));
            }
            JsonNode uuid = node.path("uuid");
            JsonNode timestamp = node.path("timestamp");
            events.add(new DecodedEvent(
                    name,
                    distinctId,
                    uuid.isTextual() && !uuid.asText().isEmpty() ? uuid.asText() : null,
                    timestamp.isTextual() ? timestamp.asText() : null,
                    node.path("properties").isObject() ? node.get("properties") : MissingNode.getInstance(),
                    node,
                    raws.get(i)));
        }
        long maxEvent = limits.maxEventBytes();
        for (int i = 0; i < count; i++) {
            int size = utf8Length(raws.get(i));
            if (size > maxEvent) {
                return withRejection(
                        partial,
                        new Rejection(
                                413,
                                "payload_too_large",
                                "maximum event size exceeded: batch[" + i + "] is " + size + " bytes, limit "
                                        + maxEvent));
            }
        }
        int rejected = faults.firstRejected(nodes);
        if (rejected >= 0) {
            return withRejection(
                    partial,
                    new Rejection(
                            400,
                            "invalid_event",
                            "invalid event could not be processed (batch[" + rejected + "] matched a rejection rule)"));
        }
        return new Decoded(gzip, compressed, uncompressed, count, historicalMigration, sentAt, events, null);
    }

    /** Deserialization failures of one event, as capture's {@code RawEvent} serde would report them. */
    private static Rejection typeErrors(JsonNode node, int i) {
        JsonNode event = node.get("event");
        if (event == null || event.isNull()) {
            return Rejection.parsing("missing field `event` in batch[" + i + "]");
        }
        if (!event.isTextual()) {
            return Rejection.parsing("`event` must be a string in batch[" + i + "]");
        }
        JsonNode uuid = node.path("uuid");
        if (!uuid.isMissingNode() && !uuid.isNull()) {
            if (!uuid.isTextual()) {
                return Rejection.parsing("`uuid` must be a string in batch[" + i + "]");
            }
            String text = uuid.asText();
            if (!text.isEmpty() && !UUID.matcher(text).matches()) {
                return Rejection.parsing("invalid uuid in batch[" + i + "]: " + abbreviate(text));
            }
        }
        JsonNode timestamp = node.path("timestamp");
        if (!timestamp.isMissingNode() && !timestamp.isNull() && !timestamp.isTextual()) {
            return Rejection.parsing("`timestamp` must be a string in batch[" + i + "]");
        }
        JsonNode properties = node.path("properties");
        if (!properties.isMissingNode() && !properties.isNull() && !properties.isObject()) {
            return Rejection.parsing("`properties` must be an object in batch[" + i + "]");
        }
        return null;
    }

    /** Capture's {@code extract_distinct_id}, except that a blank id counts as missing (capture: only an empty one). */
    static String distinctId(JsonNode node) {
        JsonNode value = node.get("distinct_id");
        if (value == null || value.isNull()) {
            value = node.get("$distinct_id");
        }
        if (value == null || value.isNull()) {
            value = node.path("properties").get("distinct_id");
        }
        if (value == null || value.isNull()) {
            return null;
        }
        String id = value.isTextual() ? value.asText() : value.toString();
        if (id.isBlank()) {
            return null;
        }
        return id.codePointCount(0, id.length()) <= MAX_DISTINCT_ID_CHARS
                ? id
                : id.substring(0, id.offsetByCodePoints(0, MAX_DISTINCT_ID_CHARS));
    }

    private static boolean isKnownField(String field) {
        return switch (field) {
            case "api_key", "token", "historical_migration", "sent_at", "batch" -> true;
            default -> false;
        };
    }

    private static boolean isGzip(String contentEncoding, byte[] body) {
        if (contentEncoding != null
                && contentEncoding.trim().toLowerCase(Locale.ROOT).equals("gzip")) {
            return true;
        }
        return body.length >= 3 && body[0] == GZIP_MAGIC[0] && body[1] == GZIP_MAGIC[1] && body[2] == GZIP_MAGIC[2];
    }

    /** Copies at most {@code limit + 1} bytes; returns how many were copied (more than {@code limit}: too big). */
    private static long copyUpTo(InputStream in, ByteArrayOutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            long room = limit + 1 - total;
            out.write(buffer, 0, (int) Math.min(n, room));
            total += n;
            if (total > limit) {
                return total;
            }
        }
        return total;
    }

    /** Reads and discards the rest, so the client can finish sending and read the answer; returns the count. */
    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
        }
        return total;
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? "'" + s + "'" : "'" + s.substring(0, 60) + "…'";
    }

    private static Decoded rejected(boolean gzip, long compressed, long uncompressed, int count, Rejection rejection) {
        return new Decoded(gzip, compressed, uncompressed, count, null, null, List.of(), rejection);
    }

    private static Decoded withRejection(Decoded partial, Rejection rejection) {
        return new Decoded(
                partial.gzip(),
                partial.compressedBytes(),
                partial.uncompressedBytes(),
                partial.eventCount(),
                partial.historicalMigration(),
                partial.sentAt(),
                List.of(),
                rejection);
    }
}
