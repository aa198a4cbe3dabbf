package dev.tracking.bench.scenario;

import java.util.LinkedHashMap;
import java.util.Map;

/** The figures of one scenario, in the order they are reported; doubles are rounded for the report. */
public final class Metrics {
    private final Map<String, Object> values = new LinkedHashMap<>();

    public Metrics put(String key, Object value) {
        if (value instanceof Double number) {
            values.put(key, round(number));
        } else {
            values.put(key, value);
        }
        return this;
    }

    public Object get(String key) {
        return values.get(key);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    static Object round(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        double magnitude = Math.abs(value);
        double scale = magnitude >= 100 ? 1 : magnitude >= 1 ? 10 : 1000;
        double rounded = Math.round(value * scale) / scale;
        return rounded == Math.rint(rounded) && magnitude < 1e15 ? (Object) (long) rounded : (Object) rounded;
    }
}
