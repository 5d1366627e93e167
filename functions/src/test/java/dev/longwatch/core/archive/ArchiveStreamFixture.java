package dev.longwatch.core.archive;

import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;

import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stream for archive tests: records with realistic (56-digit) sequence numbers per shard, and the truth —
 * every distinct record's points per series in stream order — to compare what the archive gives back with.
 */
final class ArchiveStreamFixture {
    static final BigInteger BASE = new BigInteger("49590338271490256608559692538361571095921575989136500000");

    final StreamRecords codec;
    private final Map<String, Long> nextSeq = new LinkedHashMap<>();
    /** Every record ever made, by shard and sequence: redelivering one does not change the truth. */
    private final Map<String, TreeMap<BigInteger, StreamRecord.Metrics>> made = new LinkedHashMap<>();

    ArchiveStreamFixture(Clock clock) {
        this.codec = new StreamRecords(new Payloads(IngestLimits.DEFAULT, clock, () -> "ev"));
    }

    static SeriesKey gauge(String tenant, String metric, String... tags) {
        return new SeriesKey(tenant, metric, MetricType.GAUGE, Tags.of(tags));
    }

    /** A new record on {@code shard} holding the given series (tenant taken from the first). */
    ArchiveService.IncomingRecord record(String shard, List<Series> series, String tenant) {
        long n = nextSeq.merge(shard, 7L, Long::sum); // gaps between sequence numbers, as Kinesis has
        BigInteger seq = BASE.add(BigInteger.valueOf(n));
        StreamRecord.Metrics m = new StreamRecord.Metrics(tenant, series);
        made.computeIfAbsent(shard, s -> new TreeMap<>()).put(seq, m);
        return new ArchiveService.IncomingRecord(shard, seq.toString(), codec.encode(m));
    }

    ArchiveService.IncomingRecord record(String shard, SeriesKey key, long[] times, double[] values) {
        return record(shard, List.of(new Series(key.metric(), key.type(), key.tags(), times, values)), key.tenant());
    }

    static Series series(SeriesKey key, long[] times, double[] values) {
        return new Series(key.metric(), key.type(), key.tags(), times, values);
    }

    /** The points of every distinct record of {@code tenant} with times in [from, to), per series, in stream order. */
    Map<SeriesKey, Points> truth(String tenant, long from, long to) {
        Map<SeriesKey, Points> out = new LinkedHashMap<>();
        // Hour by hour, then shard and sequence: the order the archive keeps within an hour.
        TreeMap<Long, List<Object[]>> byHour = new TreeMap<>();
        for (Map.Entry<String, TreeMap<BigInteger, StreamRecord.Metrics>> shard : made.entrySet()) {
            for (StreamRecord.Metrics m : shard.getValue().values()) {
                if (!m.tenant().equals(tenant)) {
                    continue;
                }
                for (Series s : m.series()) {
                    for (int i = 0; i < s.size(); i++) {
                        long t = s.timestamps()[i];
                        if (t >= from && t < to) {
                            byHour.computeIfAbsent(Math.floorDiv(t, ArchiveBlock.HOUR_MILLIS), h -> new ArrayList<>())
                                    .add(new Object[]{s.key(tenant), t, s.values()[i]});
                        }
                    }
                }
            }
        }
        for (List<Object[]> points : byHour.values()) {
            for (Object[] p : points) {
                out.computeIfAbsent((SeriesKey) p[0], k -> new Points()).add((Long) p[1], (Double) p[2]);
            }
        }
        return out;
    }

    static List<ArchiveService.IncomingRecord> batch(Collection<ArchiveService.IncomingRecord> records) {
        return List.copyOf(records);
    }
}
