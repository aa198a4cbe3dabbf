package dev.tracking.consumer.decode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long records naming an unknown writer schema are held back before they are dead-lettered ({@code
 * tracking.schema-registry.unknown-schema-hold}). The clock of a writer schema reference ({@code registry-id:<n>},
 * {@code fingerprint:<hex>}) starts the first time a record names it and the decoder does not know it, and is shared by
 * every record naming it. Until {@link Unknown#deadLetterAt()} such records are held (retried later); from then on they
 * are dead-lettered, at once for later ones too. A reference is forgotten when a record naming it is read: the schema
 * was registered, a replica caught up, or the consumer now has the newer schemas jar.
 *
 * <p>At most {@value #CAPACITY} references are remembered; beyond that the one seen least recently is forgotten (and
 * starts a new hold if it shows up again). Thread-safe; {@link #resolved} costs a volatile read while nothing is
 * unknown.
 */
public final class UnknownSchemaHold {
    static final int CAPACITY = 1000;
    private static final Logger log = LoggerFactory.getLogger(UnknownSchemaHold.class);

    private final Duration hold;
    private final Clock clock;
    private final Map<String, Entry> unknown = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > CAPACITY;
        }
    };
    private volatile int size;

    /**
     * A writer schema reference the decoder does not know, as last seen.
     *
     * @param since when a record first named it
     * @param deadLetterAt when records naming it stop being held and are dead-lettered ({@code since} + hold)
     * @param lastSeen when a record last named it
     * @param lastRecord that record, {@code topic-partition@offset}
     */
    public record Unknown(
            String writerSchema, Instant since, Instant deadLetterAt, Instant lastSeen, String lastRecord) {
        /** Whether the record that named it last is held (rather than dead-lettered). */
        public boolean held() {
            return lastSeen.isBefore(deadLetterAt);
        }

        /** How long it had been unknown when a record last named it. */
        public Duration unknownFor() {
            return Duration.between(since, lastSeen);
        }
    }

    private static final class Entry {
        final Instant since;
        Instant lastSeen;
        String lastRecord;
        boolean expiryLogged;

        Entry(Instant since) {
            this.since = since;
        }
    }

    /** @param hold how long records naming an unknown reference are held; zero: dead-letter them at once */
    public UnknownSchemaHold(Duration hold, Clock clock) {
        if (hold.isNegative()) {
            throw new IllegalArgumentException("hold must be zero or positive, got " + hold);
        }
        this.hold = hold;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The configured hold. */
    public Duration hold() {
        return hold;
    }

    /**
     * Notes that the record at {@code where} names {@code writerSchema}, which the decoder does not know; starts its
     * clock when it is new.
     *
     * @param where the record, {@code topic-partition@offset}
     * @return the reference's state now: {@link Unknown#held()} tells whether to hold or dead-letter the record
     */
    public synchronized Unknown unknown(String writerSchema, String where) {
        Instant now = clock.instant();
        Entry entry = unknown.get(writerSchema);
        if (entry == null) {
            entry = new Entry(now);
            unknown.put(writerSchema, entry);
            size = unknown.size();
            if (hold.isZero()) {
                log.warn("unknown writer schema {} in {}: dead-lettering its records (no hold)", writerSchema, where);
                entry.expiryLogged = true;
            } else {
                log.warn(
                        "unknown writer schema {} in {}: holding its records for up to {}, until {}, then"
                                + " dead-lettering them",
                        writerSchema,
                        where,
                        text(hold),
                        now.plus(hold));
            }
        }
        entry.lastSeen = now;
        entry.lastRecord = where;
        Unknown state = snapshot(writerSchema, entry);
        if (!state.held() && !entry.expiryLogged) {
            entry.expiryLogged = true;
            log.warn(
                    "writer schema {} still unknown after {} (in {}): dead-lettering its records as decode failures",
                    writerSchema,
                    text(hold),
                    where);
        }
        return state;
    }

    /** Forgets {@code writerSchema} (null is ignored): a record naming it was read. */
    public void resolved(String writerSchema) {
        if (size == 0 || writerSchema == null) {
            return;
        }
        synchronized (this) {
            Entry entry = unknown.remove(writerSchema);
            size = unknown.size();
            if (entry != null) {
                log.info(
                        "writer schema {} is known now, {} after it was first unknown; its records are read again",
                        writerSchema,
                        text(Duration.between(entry.since, clock.instant())));
            }
        }
    }

    /** Whether no reference is remembered as unknown. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The references whose records are held now, first unknown first. */
    public synchronized List<Unknown> held() {
        return select(true);
    }

    /** The references whose hold is over (their records are dead-lettered) and that did not resolve since. */
    public synchronized List<Unknown> expired() {
        return select(false);
    }

    private List<Unknown> select(boolean held) {
        Instant now = clock.instant();
        List<Unknown> selected = new ArrayList<>();
        unknown.forEach((reference, entry) -> {
            Unknown state = snapshot(reference, entry);
            if (now.isBefore(state.deadLetterAt()) == held) {
                selected.add(state);
            }
        });
        selected.sort((a, b) -> a.since().compareTo(b.since()));
        return selected;
    }

    private Unknown snapshot(String reference, Entry entry) {
        return new Unknown(reference, entry.since, entry.since.plus(hold), entry.lastSeen, entry.lastRecord);
    }

    /** A duration as configured: {@code 10m}, {@code 1m30s}, {@code 250ms}, {@code 0s}. */
    static String text(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        if (seconds > 0) {
            text.append(seconds).append('s');
        }
        if (millis > 0) {
            text.append(millis).append("ms");
        }
        return text.length() == 0 ? duration.toString() : text.toString();
    }
}
