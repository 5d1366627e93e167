package dev.longwatch.core.rollup;

import java.time.Duration;

/**
 * How long each tier keeps a slab: DynamoDB deletes it by TTL at slab end + retention. The defaults beat
 * CloudWatch on every tier (it keeps 1-minute data 15 days, hourly data 15 months): minutes 30 days, hours
 * five years (1,827 days), days ten years (3,653 days, the ingest window).
 *
 * <p>A tier stops being written and read a little before its data expires, so that nothing is ever derived
 * from a slab TTL may already have removed. With {@code margin} = min(1 day, retention / 8):
 * <ul>
 *   <li>a point whose hour (day) started at least {@code retention - 2 margin} ago no longer goes to the
 *       minute (hour) tier but straight into the next coarser one ({@link #baseTier});</li>
 *   <li>the compactor recomputes an hour (day) from minutes (hours) only while it started less than
 *       {@code retention - margin} ago ({@link #canRecompute}), which leaves a margin of at least a day
 *       for pending recompute requests between both rules;</li>
 *   <li>queries read a finer tier only where it is still the base tier ({@link #floor}).</li>
 * </ul>
 */
public record Retention(Duration minute, Duration hour, Duration day) {
    public static final Retention DEFAULTS = new Retention(Duration.ofDays(30), Duration.ofDays(1827),
            Duration.ofDays(3653));

    public Retention {
        if (minute.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("the minute retention must be at least 1 day, got " + minute.toDays());
        }
        if (hour.compareTo(minute) < 0 || day.compareTo(hour) < 0) {
            throw new IllegalArgumentException("retention must not shrink from minutes (" + minute.toDays()
                    + " days) to hours (" + hour.toDays() + ") to days (" + day.toDays() + ")");
        }
    }

    /** Days per tier, each defaulting when null (what the environment gave). */
    public static Retention ofDays(Long minuteDays, Long hourDays, Long dayDays) {
        return new Retention(minuteDays == null ? DEFAULTS.minute : Duration.ofDays(minuteDays),
                hourDays == null ? DEFAULTS.hour : Duration.ofDays(hourDays),
                dayDays == null ? DEFAULTS.day : Duration.ofDays(dayDays));
    }

    public Duration of(Tier tier) {
        return switch (tier) {
            case MINUTE -> minute;
            case HOUR -> hour;
            case DAY -> day;
        };
    }

    /** The DynamoDB TTL of a slab, in epoch seconds: the end of the slab plus its tier's retention. */
    public long ttlSeconds(SlabKey key) {
        long end = key.end();
        return Math.floorDiv(end + of(key.tier()).toMillis() + 999, 1000);
    }

    long margin(Tier tier) {
        return Math.min(Duration.ofDays(1).toMillis(), of(tier).toMillis() / 8);
    }

    /** Age (of the coarser slot's start) below which {@code tier} takes new points. */
    long baseAge(Tier tier) {
        return of(tier).toMillis() - 2 * margin(tier);
    }

    /**
     * The tier a point at {@code time} is written to: minutes while its hour is young enough for the minute
     * tier, else hours while its day is young enough for the hour tier, else days.
     */
    public Tier baseTier(long time, long now) {
        if (now - Tier.HOUR.slotStart(time) < baseAge(Tier.MINUTE)) {
            return Tier.MINUTE;
        }
        if (now - Tier.DAY.slotStart(time) < baseAge(Tier.HOUR)) {
            return Tier.HOUR;
        }
        return Tier.DAY;
    }

    /** True once a point is older than the day tier keeps anything (its slab would expire at once). */
    public boolean isExpired(long time, long now) {
        return Tier.DAY.slotStart(time) + Tier.DAY.slotMillis() + day.toMillis() <= now;
    }

    /**
     * The first slot start (of {@code tier}'s coarser tier) from which {@code tier} is the base tier at
     * {@code now}: queries read {@code tier} from here on and the coarser tier before. For minutes an hour
     * boundary, for hours a day boundary.
     */
    public long floor(Tier tier, long now) {
        Tier coarser = tier.coarser().orElseThrow(() -> new IllegalArgumentException("days have no floor"));
        return coarser.slotStart(now - baseAge(tier)) + coarser.slotMillis();
    }

    /** The oldest slot start of {@code target} (hour or day) that may still be recomputed at {@code now}. */
    public long oldestRecomputable(Tier target, long now) {
        Tier source = target.finer().orElseThrow(() -> new IllegalArgumentException(target + " is not derived"));
        return target.slotStart(now - (of(source).toMillis() - margin(source))) + target.slotMillis();
    }

    /** True while a slot of {@code target} (hour or day) may be recomputed from its finer tier. */
    public boolean canRecompute(Tier target, long slotStart, long now) {
        Tier source = target.finer().orElseThrow(() -> new IllegalArgumentException(target + " is not derived"));
        return now - slotStart < of(source).toMillis() - margin(source);
    }
}
