package dev.tracking.consumer.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Events PostHog accepted, per event name and UTC day, since this process started: the volume PostHog bills. The
 * month's projection extrapolates the rate seen this month (since the month began, or since start if later) to the
 * whole month. A restart starts the counts over: PostHog's billing page is the authority, this is the early warning.
 * Days of earlier months are forgotten as a new month begins.
 */
public final class EventVolume {
    private final Clock clock;
    private final Instant startedAt;
    private final long monthlyAllowance;
    private final Map<LocalDate, Map<String, LongAdder>> byDay = new ConcurrentHashMap<>();
    private final LongAdder sinceStart = new LongAdder();

    public EventVolume(Clock clock, long monthlyAllowance) {
        this.clock = clock;
        this.startedAt = clock.instant();
        this.monthlyAllowance = monthlyAllowance;
    }

    /** {@code count} events named {@code event} were accepted now. */
    public void accepted(String event, long count) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Map<String, LongAdder> counts = byDay.get(today);
        if (counts == null) {
            YearMonth month = YearMonth.from(today);
            byDay.keySet().removeIf(day -> !YearMonth.from(day).equals(month));
            counts = byDay.computeIfAbsent(today, day -> new ConcurrentHashMap<>());
        }
        counts.computeIfAbsent(event, name -> new LongAdder()).add(count);
        sinceStart.add(count);
    }

    /** {@code tracking.events.monthly-allowance}. */
    public long monthlyAllowance() {
        return monthlyAllowance;
    }

    /** Events accepted since this process started, every name. */
    public long sinceStart() {
        return sinceStart.sum();
    }

    /** Today's and this month's counts per event, and the month's projection against the allowance. */
    public Snapshot snapshot() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        YearMonth month = YearMonth.from(today);
        Map<String, EventCount> events = new TreeMap<>();
        byDay.forEach((day, counts) -> {
            if (!YearMonth.from(day).equals(month)) {
                return;
            }
            counts.forEach((event, adder) -> {
                long n = adder.sum();
                events.merge(
                        event,
                        new EventCount(day.equals(today) ? n : 0, n, 0),
                        (a, b) -> new EventCount(a.today() + b.today(), a.thisMonth() + b.thisMonth(), 0));
            });
        });
        Instant monthStart = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant observedFrom = startedAt.isAfter(monthStart) ? startedAt : monthStart;
        double observed = Math.max(1, Duration.between(observedFrom, now).toMillis());
        double wholeMonth = Duration.between(monthStart, monthEnd).toMillis();
        Map<String, EventCount> projected = new TreeMap<>();
        long total = 0;
        long projectedTotal = 0;
        for (Map.Entry<String, EventCount> entry : events.entrySet()) {
            EventCount count = entry.getValue();
            long projection = Math.round(count.thisMonth() * wholeMonth / observed);
            projected.put(entry.getKey(), new EventCount(count.today(), count.thisMonth(), projection));
            total += count.thisMonth();
            projectedTotal += projection;
        }
        return new Snapshot(
                month.toString(),
                observedFrom,
                monthlyAllowance,
                total,
                projectedTotal,
                Math.round(1000.0 * projectedTotal / monthlyAllowance) / 10.0,
                projectedTotal > monthlyAllowance,
                projected);
    }

    /**
     * @param today accepted today (UTC)
     * @param thisMonth accepted this month (UTC), since {@link Snapshot#countedSince}
     * @param projectedThisMonth {@code thisMonth} at the rate seen so far, over the whole month
     */
    public record EventCount(long today, long thisMonth, long projectedThisMonth) {}

    /**
     * @param month the month counted, {@code 2026-03}
     * @param countedSince the start of the month, or this process's start if later
     * @param monthlyAllowance {@code tracking.events.monthly-allowance}
     * @param thisMonth events accepted this month, all names together
     * @param projectedThisMonth the month's projection, all names together
     * @param projectedPercentOfAllowance the projection as a percentage of the allowance, one decimal
     * @param overAllowance true when the projection exceeds the allowance
     * @param events per event name
     */
    public record Snapshot(
            String month,
            Instant countedSince,
            long monthlyAllowance,
            long thisMonth,
            long projectedThisMonth,
            double projectedPercentOfAllowance,
            boolean overAllowance,
            Map<String, EventCount> events) {}
}
