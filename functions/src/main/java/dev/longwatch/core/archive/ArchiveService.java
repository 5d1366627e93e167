package dev.longwatch.core.archive;

import dev.longwatch.core.Concurrently;
import dev.longwatch.core.rollup.LateArrivals;
import dev.longwatch.core.series.SeriesDescriptor;
import dev.longwatch.core.series.SeriesIndex;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.BodyTooLargeException;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Series;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;

import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The archive consumer: writes the raw points of a stream batch to the archive, one per-batch block per tenant
 * and point-hour, under a key made of the batch's shard and sequence range. A redelivered batch writes the same
 * keys with the same bytes; a batch that overlaps an earlier one (a retry from its middle) writes new keys whose
 * duplicate records merges drop by record identity. Records whose object could not be written are reported
 * back, and the stream redelivers from the first of them — as the rollup consumer does.
 *
 * <p>It is independent of the rollup consumer (its own event source mapping), so an S3 problem never delays
 * rollups, and its batching window can be longer, for fewer and bigger objects.
 *
 * <p>When the minute tier is written from the archive there is no rollup consumer, so this one registers new
 * series in the series index (queries, the compactor and the evaluator find series there) and starts each new
 * tenant's compaction progress, as the rollup consumer does; a batch whose registration fails is redelivered.
 */
public final class ArchiveService {
    private static final Log LOG = Log.get(ArchiveService.class);

    /** A record as the stream delivered it. */
    public record IncomingRecord(String shardId, String sequenceNumber, byte[] data) {
    }

    /** What a batch did; {@code failedSequenceNumbers} go back to the stream as batch item failures. */
    public record BatchOutcome(List<String> failedSequenceNumbers, int objectsWritten, long pointsArchived,
                               long bytesWritten, int unreadableRecords) {
    }

    private final StreamRecords decoder;
    private final ArchiveStore store;
    private final PlatformMetrics metrics;
    private final Clock clock;
    private final int writeConcurrency;
    /** Null unless this consumer registers series (the minute tier from the archive). */
    private final SeriesIndex seriesIndex;
    /** Null unless this consumer starts tenants' compaction progress (the minute tier from the archive). */
    private final LateArrivals late;
    private static final int KNOWN_SERIES_CACHE = 200_000;
    /** Series already registered by this process: saves a write per series per batch. */
    private final Set<String> knownSeries = ConcurrentHashMap.newKeySet();

    public ArchiveService(StreamRecords decoder, ArchiveStore store, PlatformMetrics metrics, Clock clock,
                          int writeConcurrency) {
        this(decoder, store, metrics, clock, writeConcurrency, null, null);
    }

    /**
     * Also registers the batch's series in {@code seriesIndex} and starts its tenants' compaction progress
     * ({@code late}) before writing: the minute tier from the archive. Either may be null.
     */
    public ArchiveService(StreamRecords decoder, ArchiveStore store, PlatformMetrics metrics, Clock clock,
                          int writeConcurrency, SeriesIndex seriesIndex, LateArrivals late) {
        if (writeConcurrency < 1) {
            throw new IllegalArgumentException("writeConcurrency must be at least 1, got " + writeConcurrency);
        }
        this.decoder = decoder;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.writeConcurrency = writeConcurrency;
        this.seriesIndex = seriesIndex;
        this.late = late;
    }

    /** One object to write: a tenant's points of one hour from one shard's batch, and the records they came from. */
    private record Pending(String key, ArchiveBlock block, List<String> sequences) {
    }

    public BatchOutcome apply(List<IncomingRecord> batch) {
        long started = clock.millis();
        // Lambda hands one shard per batch; local callers might not, so group to keep keys honest.
        Map<String, List<IncomingRecord>> byShard = new LinkedHashMap<>();
        for (IncomingRecord r : batch) {
            byShard.computeIfAbsent(r.shardId(), k -> new ArrayList<>()).add(r);
        }
        List<Pending> pending = new ArrayList<>();
        int unreadable = 0;
        for (Map.Entry<String, List<IncomingRecord>> e : byShard.entrySet()) {
            unreadable += collect(e.getKey(), e.getValue(), pending);
        }

        Set<String> failed = new TreeSet<>(Comparator.comparing(Sequences::parse));
        if (!register(pending)) {
            batch.forEach(r -> failed.add(r.sequenceNumber()));
            metrics.count("ArchiveUnreadableRecords", unreadable);
            return new BatchOutcome(List.copyOf(failed), 0, 0, 0, unreadable);
        }
        int written = 0;
        long points = 0;
        long bytes = 0;
        List<Concurrently.Outcome<long[]>> results = Concurrently.attempt(pending, writeConcurrency, p -> {
            byte[] encoded = BlockCodec.encode(p.block());
            store.put(p.key(), encoded);
            return new long[]{p.block().pointCount(), encoded.length};
        });
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            Concurrently.Outcome<long[]> r = results.get(i);
            if (r.failed()) {
                LOG.error("writing an archive object failed; its records will be redelivered", r.failure(),
                        "key", p.key(), "records", p.sequences().size());
                failed.addAll(p.sequences());
                continue;
            }
            written++;
            points += r.value()[0];
            bytes += r.value()[1];
        }
        metrics.count("ArchiveObjectsWritten", written);
        metrics.count("ArchivePointsWritten", points);
        metrics.count("ArchiveBytesWritten", bytes);
        metrics.count("ArchiveWriteFailures", pending.size() - written);
        metrics.count("ArchiveUnreadableRecords", unreadable);
        metrics.gauge("ArchiveBatchMillis", clock.millis() - started);
        return new BatchOutcome(List.copyOf(failed), written, points, bytes, unreadable);
    }

    /** Registers the series and starts the tenants of these objects, if asked to; false if that failed. */
    private boolean register(List<Pending> pending) {
        if (seriesIndex == null && late == null) {
            return true;
        }
        Set<String> tenants = new LinkedHashSet<>();
        Map<String, SeriesDescriptor> fresh = new LinkedHashMap<>();
        Map<SeriesKey, Boolean> seen = new java.util.HashMap<>();
        for (Pending p : pending) {
            tenants.add(p.block().tenant());
            for (BlockPart part : p.block().parts()) {
                for (SeriesKey key : part.series().keySet()) {
                    if (seen.putIfAbsent(key, Boolean.TRUE) != null) {
                        continue; // hash each series once per batch
                    }
                    SeriesDescriptor d = SeriesDescriptor.of(key);
                    if (!knownSeries.contains(d.qualifiedId())) {
                        fresh.putIfAbsent(d.qualifiedId(), d);
                    }
                }
            }
        }
        try {
            if (late != null && !tenants.isEmpty()) {
                late.ensureStarted(tenants, clock.millis());
            }
            if (seriesIndex != null && !fresh.isEmpty()) {
                seriesIndex.register(fresh.values());
                if (knownSeries.size() > KNOWN_SERIES_CACHE) {
                    knownSeries.clear();
                }
                knownSeries.addAll(fresh.keySet());
            }
            return true;
        } catch (RuntimeException e) {
            // Without the index the points could not be found: retry the whole batch.
            LOG.error("registering series or starting tenants failed; the batch will be redelivered", e,
                    "series", fresh.size(), "tenants", tenants.size());
            return false;
        }
    }

    /** Splits one shard's records into per-tenant, per-hour blocks; returns the number of unreadable records. */
    private int collect(String shard, List<IncomingRecord> records, List<Pending> out) {
        List<IncomingRecord> ordered = new ArrayList<>(records);
        ordered.sort(Comparator.comparing(r -> Sequences.parse(r.sequenceNumber())));
        BigInteger first = Sequences.parse(ordered.get(0).sequenceNumber());
        BigInteger last = Sequences.parse(ordered.get(ordered.size() - 1).sequenceNumber());
        record Group(String tenant, long hour) {
        }
        Map<Group, ArchiveBlock> blocks = new LinkedHashMap<>();
        Map<Group, List<String>> sequences = new LinkedHashMap<>();
        int unreadable = 0;
        for (IncomingRecord r : ordered) {
            StreamRecords.Decoded decoded;
            try {
                decoded = decoder.decode(r.data());
            } catch (PayloadException | BodyTooLargeException | IllegalArgumentException e) {
                unreadable++; // the rollup consumer logs these; counting is enough here
                continue;
            }
            if (!(decoded.record() instanceof StreamRecord.Metrics m)) {
                continue; // events live in the events table, not in the archive
            }
            BigInteger seq = Sequences.parse(r.sequenceNumber());
            Map<Group, BlockPart> partOfGroup = new LinkedHashMap<>();
            for (Series s : m.series()) {
                SeriesKey key = s.key(m.tenant());
                long[] ts = s.timestamps();
                double[] vs = s.values();
                for (int i = 0; i < ts.length; i++) {
                    long hour = Math.floorDiv(ts[i], ArchiveBlock.HOUR_MILLIS) * ArchiveBlock.HOUR_MILLIS;
                    Group g = new Group(m.tenant(), hour);
                    BlockPart part = partOfGroup.computeIfAbsent(g, x -> {
                        BlockPart p = BlockPart.record(hour, shard, seq);
                        blocks.computeIfAbsent(x, y -> ArchiveBlock.batch(x.tenant(), x.hour(), shard, first, last))
                                .add(p);
                        sequences.computeIfAbsent(x, y -> new ArrayList<>()).add(r.sequenceNumber());
                        return p;
                    });
                    part.points(key).add(ts[i], vs[i]);
                }
            }
        }
        for (Map.Entry<Group, ArchiveBlock> e : blocks.entrySet()) {
            Group g = e.getKey();
            out.add(new Pending(ArchiveKeys.raw(g.tenant(), g.hour(), shard, first, last), e.getValue(),
                    sequences.get(g)));
        }
        return unreadable;
    }
}
