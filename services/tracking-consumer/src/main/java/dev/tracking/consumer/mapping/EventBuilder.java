package dev.tracking.consumer.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tracking.schemas.Facts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Builds one {@link PostHogEvent} from a fact, applying the rules every event follows:
 *
 * <ul>
 *   <li>{@code distinct_id} is the fact's {@code user_id}; without one it is {@code team:<team_id>} and the event is
 *       personless ({@code $process_person_profile: false});
 *   <li>a {@code $groupidentify} is always personless and always sent as {@code $team_<team_id>}, the distinct id
 *       PostHog's own SDKs use for group updates ({@code "$" + group type + "_" + group key}), whoever acted: every
 *       update of one team travels under one id, the same as updates sent by any PostHog SDK;
 *   <li>an event of a fact with a team carries {@code $groups: {"team": team_id}};
 *   <li>{@code timestamp} is {@code occurred_at} as ISO-8601 UTC with milliseconds, never the send time;
 *   <li>{@code uuid} is {@link EventIds#of}(event_id, event name); a {@code $groupidentify} re-rendered without some
 *       of its properties ({@link #withoutGroupProperties}) gets the uuid of (event_id, event name and the properties
 *       it keeps), so one uuid never carries two different bodies;
 *   <li>enum values are lower-case; null values are left out (a null in {@code $set} would erase a known value);
 *   <li>{@code $lib} names this service and {@code source} the producing service, when known.
 * </ul>
 *
 * The output depends only on the fact, so the same fact always renders byte-identical events.
 */
public final class EventBuilder {
    /** Value of {@code $lib}: which library captured the event. */
    public static final String LIB = "tracking-consumer";

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern(
                    "uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final EventType type;
    private final String event;
    private final SpecificRecord fact;
    private final List<Object> properties = new ArrayList<>(8);
    private final List<Object> set = new ArrayList<>(0);
    private final List<Object> setOnce = new ArrayList<>(0);
    private Map<String, Object> groupSet;
    private String uuidName;
    private String onceKey;

    private EventBuilder(EventType type, SpecificRecord fact) {
        this.type = type;
        this.event = type.name();
        this.fact = fact;
    }

    /** An event of the declared {@code type} produced by {@code fact}. */
    public static EventBuilder event(EventType type, SpecificRecord fact) {
        return new EventBuilder(type, fact);
    }

    /** A {@code $groupidentify} of the fact's team; add what it sets with {@link #groupSet}. */
    public static EventBuilder groupIdentify(SpecificRecord fact) {
        EventBuilder builder = new EventBuilder(EventType.GROUP_IDENTIFY, fact);
        builder.groupSet = new LinkedHashMap<>();
        return builder;
    }

    /** An event property; null values are left out, enums are sent lower-case. */
    public EventBuilder property(String key, Object value) {
        return add(properties, key, value);
    }

    /** A person property to overwrite ({@code $set}). */
    public EventBuilder set(String key, Object value) {
        return add(set, key, value);
    }

    /** A person property written only if the person has none yet ({@code $set_once}). */
    public EventBuilder setOnce(String key, Object value) {
        return add(setOnce, key, value);
    }

    /** A team group property ({@code $group_set} of a {@link #groupIdentify}). */
    public EventBuilder groupSet(String key, Object value) {
        if (groupSet == null) {
            throw new IllegalStateException("groupSet is only for $groupidentify events");
        }
        if (value != null) {
            groupSet.put(key, normalize(value));
        }
        return this;
    }

    /** Makes the event a milestone delivered only for the first fact claiming {@code key}. */
    public EventBuilder once(String key) {
        this.onceKey = key;
        return this;
    }

    public PostHogEvent build() {
        String eventId = Facts.eventId(fact);
        String teamId = Facts.teamId(fact);
        String userId = Facts.userId(fact);
        Instant occurredAt = Facts.occurredAt(fact);
        boolean personless = userId == null || groupSet != null;
        String distinctId = groupSet != null ? "$team_" + teamId : userId != null ? userId : "team:" + teamId;
        String uuid = EventIds.of(eventId, uuidName != null ? uuidName : event).toString();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("event", event);
            json.writeStringField("distinct_id", distinctId);
            json.writeStringField("uuid", uuid);
            json.writeStringField("timestamp", timestamp(occurredAt));
            json.writeObjectFieldStart("properties");
            writePairs(json, properties);
            if (Facts.source(fact) != null) {
                json.writeStringField("source", Facts.source(fact));
            }
            json.writeStringField("$lib", LIB);
            if (!set.isEmpty()) {
                json.writeObjectFieldStart("$set");
                writePairs(json, set);
                json.writeEndObject();
            }
            if (!setOnce.isEmpty()) {
                json.writeObjectFieldStart("$set_once");
                writePairs(json, setOnce);
                json.writeEndObject();
            }
            if (groupSet != null) {
                json.writeStringField("$group_type", "team");
                json.writeStringField("$group_key", teamId);
                json.writeObjectFieldStart("$group_set");
                for (Map.Entry<String, Object> entry : groupSet.entrySet()) {
                    json.writeFieldName(entry.getKey());
                    writeValue(json, entry.getValue());
                }
                json.writeEndObject();
            }
            if (teamId != null) {
                json.writeObjectFieldStart("$groups");
                json.writeStringField("team", teamId);
                json.writeEndObject();
            }
            if (personless) {
                json.writeBooleanField("$process_person_profile", false);
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PostHogEvent.GroupUpdate groupUpdate = groupSet == null
                ? null
                : new PostHogEvent.GroupUpdate(teamId, occurredAt.toEpochMilli(), List.copyOf(groupSet.keySet()), this);
        return new PostHogEvent(
                eventId, type, distinctId, uuid, occurredAt.toEpochMilli(), bytes.toByteArray(), onceKey, groupUpdate);
    }

    /**
     * This group update re-rendered without {@code stale} properties, under the uuid of (event_id, {@code
     * $groupidentify} and the names of the properties it keeps); null when none would be left.
     */
    PostHogEvent withoutGroupProperties(List<String> stale) {
        EventBuilder copy = new EventBuilder(type, fact);
        copy.properties.addAll(properties);
        copy.onceKey = onceKey;
        copy.groupSet = new LinkedHashMap<>(groupSet);
        copy.groupSet.keySet().removeAll(stale);
        if (copy.groupSet.isEmpty()) {
            return null;
        }
        copy.uuidName = event + "|" + String.join(",", copy.groupSet.keySet());
        return copy.build();
    }

    /**
     * ISO-8601 UTC with milliseconds ({@code 2026-03-02T09:00:00.123Z}), the format of every timestamp we send; written
     * by hand because it runs for every event (the same text as a {@code uuuu-MM-dd'T'HH:mm:ss.SSS'Z'} formatter for
     * years 0 to 9999).
     */
    public static String timestamp(Instant instant) {
        long millis = instant.toEpochMilli();
        long days = Math.floorDiv(millis, 86_400_000L);
        int millisOfDay = (int) Math.floorMod(millis, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(days);
        if (date.getYear() < 0 || date.getYear() > 9999) {
            return TIMESTAMP.format(instant);
        }
        char[] text = new char[24];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, millisOfDay / 3_600_000, 2);
        text[13] = ':';
        digits(text, 14, millisOfDay / 60_000 % 60, 2);
        text[16] = ':';
        digits(text, 17, millisOfDay / 1000 % 60, 2);
        text[19] = '.';
        digits(text, 20, millisOfDay % 1000, 3);
        text[23] = 'Z';
        return new String(text);
    }

    private static void digits(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private EventBuilder add(List<Object> pairs, String key, Object value) {
        if (value != null) {
            pairs.add(key);
            pairs.add(normalize(value));
        }
        return this;
    }

    private static Object normalize(Object value) {
        if (value instanceof Enum<?> symbol) {
            return symbol.name().toLowerCase(Locale.ROOT);
        }
        if (value instanceof Instant instant) {
            return timestamp(instant);
        }
        if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean) {
            return value instanceof CharSequence text ? text.toString() : value;
        }
        throw new IllegalArgumentException(
                "unsupported property value type " + value.getClass().getName());
    }

    private static void writePairs(JsonGenerator json, List<Object> pairs) throws IOException {
        for (int i = 0; i < pairs.size(); i += 2) {
            json.writeFieldName((String) pairs.get(i));
            writeValue(json, pairs.get(i + 1));
        }
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value instanceof String text) {
            json.writeString(text);
        } else if (value instanceof Integer number) {
            json.writeNumber(number);
        } else if (value instanceof Long number) {
            json.writeNumber(number);
        } else if (value instanceof Boolean flag) {
            json.writeBoolean(flag);
        } else if (value instanceof Number number) {
            json.writeNumber(number.toString());
        } else {
            throw new IllegalArgumentException("unsupported property value " + value);
        }
    }
}
