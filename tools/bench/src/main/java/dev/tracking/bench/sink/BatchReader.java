package dev.tracking.bench.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;

/**
 * Reads a PostHog {@code /batch/} body ({@code {"api_key", "batch": [events], ...}}) with a streaming parser, one
 * {@link ReceivedEvent} at a time, building no tree and keeping no text: the fast sink's parser. Thread-confined (one
 * per server thread).
 */
public final class BatchReader {
    private static final JsonFactory JSON = new JsonFactory();

    private final ReceivedEvent event = new ReceivedEvent();
    private final KeyHash body = new KeyHash();
    private final KeyHash key = new KeyHash();
    private final KeyHash pair = new KeyHash();
    private final GroupIdentity group = new GroupIdentity();

    /** What a body held besides its events. */
    public record Batch(int events, boolean hasApiKey) {}

    /** A body that is not a PostHog batch (capture answers 400). */
    public static final class MalformedBatchException extends IOException {
        MalformedBatchException(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code length} bytes of {@code json}, handing each event of {@code batch} to {@code each} as it is read.
     *
     * @throws MalformedBatchException when the body is no JSON object with a {@code batch} array of objects
     */
    public Batch read(byte[] json, int length, Consumer<ReceivedEvent> each) throws IOException {
        int events = 0;
        boolean hasApiKey = false;
        boolean hasBatch = false;
        try (JsonParser parser = JSON.createParser(json, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedBatchException("the body is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("batch")) {
                    if (value != JsonToken.START_ARRAY) {
                        throw new MalformedBatchException("batch is not an array");
                    }
                    hasBatch = true;
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        readEvent(parser);
                        each.accept(event);
                        events++;
                    }
                    if (parser.currentToken() != JsonToken.END_ARRAY) {
                        throw new MalformedBatchException("an element of batch is not an object");
                    }
                } else {
                    hasApiKey |= field.equals("api_key") && value == JsonToken.VALUE_STRING;
                    parser.skipChildren();
                }
            }
        } catch (MalformedBatchException e) {
            throw e;
        } catch (IOException e) {
            throw new MalformedBatchException("unreadable JSON: " + e.getMessage());
        }
        if (!hasBatch) {
            throw new MalformedBatchException("no batch field");
        }
        return new Batch(events, hasApiKey);
    }

    /** Reads one event object on its own (the JSON of a mapped event), as {@link #read} would. */
    public ReceivedEvent readEvent(byte[] json) throws IOException {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedBatchException("the event is not a JSON object");
            }
            readEvent(parser);
            return event;
        }
    }

    private void readEvent(JsonParser parser) throws IOException {
        body.reset();
        String name = null;
        String distinctId = null;
        String uuid = null;
        String timestamp = null;
        group.clear();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            body.add(field);
            JsonToken value = parser.nextToken();
            switch (field) {
                case "event" -> name = text(parser);
                case "distinct_id" -> distinctId = text(parser);
                case "uuid" -> uuid = text(parser);
                case "timestamp" -> timestamp = text(parser);
                case "properties" -> readProperties(parser, value, group);
                default -> hashValue(parser, value);
            }
        }
        event.name = name;
        event.uuidValid = parseUuid(uuid);
        event.timestampMillis = parseTimestamp(timestamp);
        key.reset().add(name);
        if ("$groupidentify".equals(name)) {
            key.add(group.type).add(group.key).add(group.setHigh).add(group.setLow);
        } else {
            key.add(distinctId).add(event.timestampMillis);
        }
        event.keyHigh = key.high();
        event.keyLow = key.low();
        event.bodyHash = (int) (body.high() ^ body.low() >>> 32);
    }

    /** {@code $group_type}, {@code $group_key} and an order-free hash of the {@code $group_set} pairs. */
    private static final class GroupIdentity {
        String type;
        String key;
        long setHigh;
        long setLow;

        void clear() {
            type = null;
            key = null;
            setHigh = 0;
            setLow = 0;
        }
    }

    private void readProperties(JsonParser parser, JsonToken value, GroupIdentity group) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            hashValue(parser, value);
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            body.add(field);
            JsonToken token = parser.nextToken();
            switch (field) {
                case "$group_type" -> group.type = text(parser);
                case "$group_key" -> group.key = text(parser);
                case "$group_set" -> readGroupSet(parser, token, group);
                default -> hashValue(parser, token);
            }
        }
    }

    private void readGroupSet(JsonParser parser, JsonToken value, GroupIdentity group) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            hashValue(parser, value);
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            body.add(field);
            JsonToken token = parser.nextToken();
            pair.reset().add(field);
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                // 12 and 12.0 are the same group property
                double number = parser.getDoubleValue();
                pair.add(number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number));
                body.add(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            } else if (token.isScalarValue()) {
                pair.add(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
                body.add(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            } else {
                pair.add(token.ordinal());
                hashValue(parser, token);
            }
            group.setHigh += pair.high();
            group.setLow += pair.low();
        }
    }

    private String text(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (!token.isScalarValue()) {
            hashValue(parser, token);
            return null;
        }
        String text = token == JsonToken.VALUE_NULL ? null : parser.getText();
        body.add(text);
        return text;
    }

    /** Folds a value (scalar or structure) into the body hash. */
    private void hashValue(JsonParser parser, JsonToken token) throws IOException {
        if (token.isScalarValue()) {
            body.add(token.ordinal());
            body.add(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            return;
        }
        int depth = 0;
        do {
            body.add(token.ordinal());
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            } else if (token == JsonToken.FIELD_NAME) {
                body.add(parser.currentName());
            } else {
                body.add(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            }
            if (depth == 0) {
                return;
            }
            token = parser.nextToken();
        } while (token != null);
        throw new MalformedBatchException("the body ends inside an event");
    }

    /** Parses a hyphenated UUID into the event's two halves; false (halves zero) when it is none. */
    private boolean parseUuid(String text) {
        event.uuidHigh = 0;
        event.uuidLow = 0;
        if (text == null || text.length() != 36) {
            return false;
        }
        long high = 0;
        long low = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
                continue;
            }
            int nibble = Character.digit(c, 16);
            if (nibble < 0) {
                return false;
            }
            if (digits < 16) {
                high = high << 4 | nibble;
            } else {
                low = low << 4 | nibble;
            }
            digits++;
        }
        event.uuidHigh = high;
        event.uuidLow = low;
        return true;
    }

    /**
     * Epoch milliseconds of an ISO-8601 timestamp; {@code 2026-03-02T09:00:00.123Z} (what both relays send) without
     * allocation, anything else through {@link OffsetDateTime}.
     */
    static long parseTimestamp(String text) {
        if (text == null) {
            return Long.MIN_VALUE;
        }
        if (text.length() == 24 && text.charAt(23) == 'Z' && text.charAt(10) == 'T' && text.charAt(19) == '.') {
            int year = number(text, 0, 4);
            int month = number(text, 5, 2);
            int day = number(text, 8, 2);
            int hour = number(text, 11, 2);
            int minute = number(text, 14, 2);
            int second = number(text, 17, 2);
            int millis = number(text, 20, 3);
            if ((year | month | day | hour | minute | second | millis) >= 0 && month >= 1 && month <= 12) {
                long days = daysFromCivil(year, month, day);
                return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
            }
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    private static int number(String text, int at, int width) {
        int value = 0;
        for (int i = at; i < at + width; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097L + dayOfEra - 719468;
    }
}
