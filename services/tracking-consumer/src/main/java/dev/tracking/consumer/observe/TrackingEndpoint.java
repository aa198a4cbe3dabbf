package dev.tracking.consumer.observe;

import java.time.Instant;
import java.util.Map;
import java.util.function.LongSupplier;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code GET /actuator/tracking}: the reconciliation an analyst can read. Per fact type since start, consumed =
 * delivered + duplicates + suppressed + dropped + dead-lettered + in flight, with any difference; the totals; and per
 * PostHog event, the count accepted today and this month with the month's projection against {@code
 * tracking.events.monthly-allowance}. Counts, never payloads: nothing personal is shown.
 */
@Endpoint(id = "tracking")
public class TrackingEndpoint {
    private final FactLedger ledger;
    private final EventVolume volume;
    private final LongSupplier lag;
    private final Instant startedAt;

    /** @param lag records behind the end of the partitions this process consumes */
    public TrackingEndpoint(FactLedger ledger, EventVolume volume, LongSupplier lag, Instant startedAt) {
        this.ledger = ledger;
        this.volume = volume;
        this.lag = lag;
        this.startedAt = startedAt;
    }

    @ReadOperation
    public Report report() {
        Map<String, FactLedger.Reconciliation> facts = ledger.reconciliation();
        long[] sum = new long[8];
        facts.values().forEach(r -> {
            sum[0] += r.consumed();
            sum[1] += r.delivered();
            sum[2] += r.duplicates();
            sum[3] += r.suppressed();
            sum[4] += r.dropped();
            sum[5] += r.deadLettered();
            sum[6] += r.inFlight();
            sum[7] += r.difference();
        });
        FactLedger.Reconciliation total =
                new FactLedger.Reconciliation(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7]);
        return new Report(startedAt, total, volume.sinceStart(), lag.getAsLong(), facts, volume.snapshot());
    }

    /**
     * @param since when this process started: every count is since then
     * @param total every fact type together
     * @param eventsDelivered PostHog events accepted since start, every name
     * @param lag records behind the end of this process's partitions, after their last poll with records
     * @param facts per fact type ({@code unknown}: records that could not be decoded)
     * @param events PostHog volume per event, today and this month, with the projection
     */
    public record Report(
            Instant since,
            FactLedger.Reconciliation total,
            long eventsDelivered,
            long lag,
            Map<String, FactLedger.Reconciliation> facts,
            EventVolume.Snapshot events) {}
}
