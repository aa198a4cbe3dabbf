package dev.tracking.client.registry;

/**
 * A subject's compatibility level, as the Confluent REST API names them. {@code BACKWARD}: the new schema can read
 * data written with the previous one (consumers upgrade first); {@code FORWARD}: the previous schema can read data
 * written with the new one; {@code FULL}: both. {@code _TRANSITIVE}: against every earlier version, not only the
 * latest.
 */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE;

    /** Whether a new schema must be able to read data written with earlier versions. */
    public boolean checksBackward() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether earlier versions must be able to read data written with a new schema. */
    public boolean checksForward() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether the check is against every earlier version rather than the latest one. */
    public boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }

    /**
     * Parses a level, any case, {@code -} allowed for {@code _}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static CompatibilityLevel parse(String value) {
        String normalized = value == null ? "" : value.strip().replace('-', '_');
        for (CompatibilityLevel level : values()) {
            if (level.name().equalsIgnoreCase(normalized)) {
                return level;
            }
        }
        throw new IllegalArgumentException(
                "unknown compatibility level '" + value + "': expected one of " + java.util.Arrays.toString(values()));
    }
}
