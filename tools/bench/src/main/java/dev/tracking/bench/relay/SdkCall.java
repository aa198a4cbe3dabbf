package dev.tracking.bench.relay;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.posthog.server.PostHogCaptureOptions;
import com.posthog.server.PostHogInterface;
import dev.tracking.consumer.mapping.PostHogEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One mapped event as the PostHog SDK's documented calls: {@code capture(distinctId, event, options)} with the event's
 * properties, {@code $set} as user properties, {@code $set_once} as set-once user properties, {@code $groups} as
 * groups and {@code timestamp}; a {@code $groupidentify} as {@code group(distinctId, type, key, properties)} (the SDK
 * stamps it with its send time: the call takes no timestamp). {@code $lib} is left to the SDK. The SDK takes no uuid:
 * it draws one per call.
 */
public sealed interface SdkCall {
    ObjectMapper JSON = new ObjectMapper();

    /** Hands the call to the SDK (which queues it and returns). */
    void send(PostHogInterface posthog);

    /** {@code capture(distinctId, event, options)}. */
    record Capture(
            String distinctId,
            String event,
            Map<String, Object> properties,
            Map<String, Object> set,
            Map<String, Object> setOnce,
            Map<String, String> groups,
            Instant timestamp)
            implements SdkCall {
        @Override
        public void send(PostHogInterface posthog) {
            PostHogCaptureOptions.Builder options =
                    PostHogCaptureOptions.builder().properties(properties).timestamp(timestamp);
            if (!set.isEmpty()) {
                options.userProperties(set);
            }
            if (!setOnce.isEmpty()) {
                options.userPropertiesSetOnce(setOnce);
            }
            if (!groups.isEmpty()) {
                options.groups(groups);
            }
            posthog.capture(distinctId, event, options.build());
        }
    }

    /** {@code group(distinctId, type, key, properties)}. */
    record Group(String distinctId, String type, String key, Map<String, Object> properties) implements SdkCall {
        @Override
        public void send(PostHogInterface posthog) {
            posthog.group(distinctId, type, key, properties);
        }
    }

    /** The SDK call that sends {@code event}. */
    static SdkCall of(PostHogEvent event) {
        Map<String, Object> json;
        try {
            json = JSON.readValue(event.json(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable event JSON of " + event.event(), e);
        }
        Map<String, Object> properties = map(json.get("properties"));
        if ("$groupidentify".equals(event.event())) {
            return new Group(
                    event.distinctId(),
                    (String) properties.get("$group_type"),
                    (String) properties.get("$group_key"),
                    map(properties.get("$group_set")));
        }
        Map<String, Object> set = map(properties.remove("$set"));
        Map<String, Object> setOnce = map(properties.remove("$set_once"));
        Map<String, String> groups = new LinkedHashMap<>();
        map(properties.remove("$groups")).forEach((type, key) -> groups.put(type, String.valueOf(key)));
        properties.remove("$lib");
        return new Capture(event.distinctId(), event.event(), properties, set, setOnce, groups, Instant.parse((String)
                json.get("timestamp")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : new LinkedHashMap<>();
    }
}
