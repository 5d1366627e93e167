package dev.longwatch.handler;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.aws.s3.S3ArchiveStore;
import dev.longwatch.core.archive.ArchiveKeys;
import dev.longwatch.core.archive.ArchiveService;
import dev.longwatch.core.archive.ArchiveStore;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.Series;
import dev.longwatch.model.StreamRecord;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.model.Tags;
import dev.longwatch.testing.FaultyArchiveStore;
import dev.longwatch.testing.LocalS3;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The archive Lambda entry point: a Kinesis event as Lambda builds it in, partial batch failures out. */
class KinesisArchiveHandlerTest {
    static final long T0 = Instant.parse("2026-11-20T10:15:00Z").toEpochMilli();
    static final String SHARD = "shardId-000000000002";

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 60_000));
    final StreamRecords codec = new StreamRecords(new Payloads(IngestLimits.DEFAULT, clock, () -> "ev"));
    S3ArchiveStore s3;
    FaultyArchiveStore store;
    KinesisArchiveHandler handler;

    @BeforeEach
    void setUp() {
        s3 = new S3ArchiveStore(LocalS3.client(), LocalS3.freshBucket());
        store = new FaultyArchiveStore(s3);
        InMemoryMetrics metrics = new InMemoryMetrics();
        handler = new KinesisArchiveHandler(new ArchiveService(codec, store, metrics, clock, 2), metrics);
    }

    KinesisEvent.KinesisEventRecord record(String tenant, String sequence) {
        KinesisEvent.Record k = new KinesisEvent.Record();
        k.setSequenceNumber(sequence);
        k.setPartitionKey(tenant + "/cpu");
        k.setApproximateArrivalTimestamp(new Date(T0));
        k.setData(ByteBuffer.wrap(codec.encode(new StreamRecord.Metrics(tenant, List.of(new Series("cpu",
                MetricType.GAUGE, Tags.of("host", "a"), new long[]{T0}, new double[]{0.5}))))));
        KinesisEvent.KinesisEventRecord r = new KinesisEvent.KinesisEventRecord();
        r.setKinesis(k);
        r.setEventID(SHARD + ":" + sequence);
        r.setEventSource("aws:kinesis");
        return r;
    }

    static KinesisEvent event(KinesisEvent.KinesisEventRecord... records) {
        KinesisEvent e = new KinesisEvent();
        e.setRecords(new ArrayList<>(List.of(records)));
        return e;
    }

    @Test
    void aBatchIsArchivedUnderTheShardAndSequenceRangeOfTheEvent() {
        StreamsEventResponse response = handler.handleRequest(event(record("acme", "1001"), record("acme", "1005")), null);

        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals(List.of("v1/raw/2026-11-20T10/acme/" + SHARD + "-1001-1005.lwb"),
                s3.list(ArchiveKeys.ROOT).stream().map(ArchiveStore.Listed::key).toList());
    }

    @Test
    void recordsWhoseObjectFailedComeBackAsBatchItemFailures() {
        store.failPutsOf(k -> k.contains("/beta/"));

        StreamsEventResponse response = handler.handleRequest(event(record("acme", "2001"), record("beta", "2002"),
                record("beta", "2007")), null);

        assertEquals(List.of("2002", "2007"), response.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList());
    }
}
