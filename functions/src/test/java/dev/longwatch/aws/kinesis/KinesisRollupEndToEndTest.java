package dev.longwatch.aws.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.longwatch.aws.dynamodb.DynamoDbEventStore;
import dev.longwatch.aws.dynamodb.DynamoDbRollupStore;
import dev.longwatch.aws.dynamodb.DynamoDbSeriesIndex;
import dev.longwatch.aws.dynamodb.TableNames;
import dev.longwatch.core.ingest.IngestResult;
import dev.longwatch.core.ingest.IngestService;
import dev.longwatch.core.query.QueryResult;
import dev.longwatch.core.query.QueryService;
import dev.longwatch.core.rollup.RollupService;
import dev.longwatch.core.telemetry.InMemoryMetrics;
import dev.longwatch.handler.KinesisRollupHandler;
import dev.longwatch.model.Event;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.Payloads;
import dev.longwatch.model.StreamPacker;
import dev.longwatch.model.StreamRecords;
import dev.longwatch.testing.KinesisLocal;
import dev.longwatch.testing.LocalDynamo;
import dev.longwatch.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AWS path end to end, on emulators: ingest → {@link KinesisStreamPublisher} → Kinesis (kinesis-local) →
 * the records delivered as Lambda's event source mapping delivers them → {@link KinesisRollupHandler} →
 * rollups in DynamoDB (DynamoDB Local) → {@link QueryService}. The same wiring as {@code AwsWiring}, with
 * clients pointed at the emulators.
 */
class KinesisRollupEndToEndTest {
    static final String TENANT = "acme";
    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;

    MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 10 * MINUTE));
    AtomicInteger eventIds = new AtomicInteger();
    Payloads payloads = new Payloads(IngestLimits.DEFAULT, clock, () -> "ev-" + eventIds.incrementAndGet());
    InMemoryMetrics metrics = new InMemoryMetrics();

    String stream;
    IngestService ingest;
    KinesisRollupHandler handler;
    QueryService query;
    DynamoDbEventStore events;

    @BeforeEach
    void setUp() {
        stream = KinesisLocal.freshStream(2);
        TableNames tables = LocalDynamo.freshTables();
        DynamoDbRollupStore rollups = new DynamoDbRollupStore(LocalDynamo.client(), tables.rollups(), metrics);
        DynamoDbSeriesIndex index = new DynamoDbSeriesIndex(LocalDynamo.client(), tables.series(), metrics);
        events = new DynamoDbEventStore(LocalDynamo.client(), tables.events(), metrics);

        ingest = new IngestService(payloads, new KinesisStreamPublisher(KinesisLocal.client(), stream), metrics);
        handler = new KinesisRollupHandler(
                new RollupService(new StreamRecords(payloads), rollups, index, events, metrics, clock, 8), metrics);
        query = new QueryService(index, rollups, clock, 8);
    }

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String metricsBody() {
        StringBuilder jobs = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            // Twenty series of one metric: their partition keys spread the records over both shards.
            jobs.append(",{\"metric\":\"jobs.done\",\"type\":\"counter\",\"tags\":{\"worker\":\"w").append(i)
                    .append("\"},\"points\":[[").append(T0 + i * 1000).append(",").append(i).append("]]}");
        }
        return """
                {"series":[
                  {"metric":"http.requests","type":"counter","tags":{"host":"a","region":"eu"},
                   "points":[[%1$d,5],[%2$d,7],[%3$d,1]]},
                  {"metric":"http.requests","type":"counter","tags":{"host":"b","region":"eu"},
                   "points":[[%1$d,100],[%4$d,200]]},
                  {"metric":"cpu","type":"gauge","tags":{"host":"a"},
                   "points":[[%1$d,10],[%5$d,20],[%6$d,60]]}
                  %7$s
                ]}""".formatted(T0, T0 + 10_000, T0 + MINUTE + 10_000, T0 + 30_000, T0 + 20_000, T0 + 40_000, jobs);
    }

    /**
     * The records of each shard as the event source mapping hands them to the function: one invocation per
     * shard, records in sequence order, the fields Lambda sets (data is the raw record, not base64, once the
     * runtime has deserialized the event).
     */
    List<KinesisEvent> asLambdaDeliversThem(Map<String, List<Record>> byShard) {
        String streamArn = KinesisLocal.client().describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamARN();
        List<KinesisEvent> out = new ArrayList<>();
        for (Map.Entry<String, List<Record>> shard : byShard.entrySet()) {
            if (shard.getValue().isEmpty()) {
                continue; // Lambda does not invoke for an empty shard
            }
            List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
            for (Record r : shard.getValue()) {
                KinesisEvent.Record k = new KinesisEvent.Record();
                k.setKinesisSchemaVersion("1.0");
                k.setPartitionKey(r.partitionKey());
                k.setSequenceNumber(r.sequenceNumber());
                k.setData(ByteBuffer.wrap(r.data().asByteArray()));
                k.setApproximateArrivalTimestamp(Date.from(r.approximateArrivalTimestamp()));
                KinesisEvent.KinesisEventRecord e = new KinesisEvent.KinesisEventRecord();
                e.setKinesis(k);
                e.setEventSource("aws:kinesis");
                e.setEventVersion("1.0");
                e.setEventID(shard.getKey() + ":" + r.sequenceNumber());
                e.setEventName("aws:kinesis:record");
                e.setInvokeIdentityArn("arn:aws:iam::000000000000:role/longwatch-rollup");
                e.setAwsRegion("us-east-1");
                e.setEventSourceARN(streamArn);
                records.add(e);
            }
            KinesisEvent event = new KinesisEvent();
            event.setRecords(records);
            out.add(event);
        }
        return out;
    }

    /** Delivers every event; returns the batch item failures the handler reported. */
    List<String> deliver(List<KinesisEvent> lambdaEvents) {
        List<String> failures = new ArrayList<>();
        for (KinesisEvent e : lambdaEvents) {
            // The handler does not use the Lambda context; null keeps a Context stub out of this test.
            StreamsEventResponse response = handler.handleRequest(e, null);
            response.getBatchItemFailures().forEach(f -> failures.add(f.getItemIdentifier()));
        }
        return failures;
    }

    /** group tags → (step start → value), for compact comparisons. */
    Map<String, Map<Long, Double>> query(String metric, String agg, List<String> groupBy, long from, long to) {
        QueryResult r = query.query(TENANT, query.parse(metric, List.of(), groupBy, agg, Long.toString(from),
                Long.toString(to), "60s"));
        Map<String, Map<Long, Double>> out = new TreeMap<>();
        for (QueryResult.ResultSeries s : r.series()) {
            Map<Long, Double> points = new TreeMap<>();
            for (int i = 0; i < s.times().length; i++) {
                points.put(s.times()[i], s.values()[i]);
            }
            out.put(new TreeMap<>(s.tags()).toString(), points);
        }
        return out;
    }

    void assertRollupsAsIngested() {
        assertEquals(Map.of(
                        "{host=a}", Map.of(T0, 12.0, T0 + MINUTE, 1.0),
                        "{host=b}", Map.of(T0, 300.0)),
                query("http.requests", "sum", List.of("host"), T0, T0 + 2 * MINUTE));
        assertEquals(Map.of("{}", Map.of(T0, 30.0)), query("cpu", "avg", List.of(), T0, T0 + MINUTE));
        assertEquals(Map.of("{}", Map.of(T0, 190.0)), query("jobs.done", "sum", List.of(), T0, T0 + MINUTE));
        List<Event> stored = events.find(TENANT, T0, T0 + MINUTE, 10);
        assertEquals(List.of("deploy api v42"), stored.stream().map(Event::title).toList());
    }

    @Test
    void metricsIngestedThroughKinesisAreRolledUpAndQueryable() {
        IngestResult accepted = ingest.ingestMetrics(TENANT, json(metricsBody()));
        ingest.ingestEvents(TENANT, json("""
                {"events":[{"title":"deploy api v42","kind":"deploy","time":%d,"tags":{"service":"api"}}]}"""
                .formatted(T0 + 5_000)));
        assertEquals(28, accepted.accepted());
        assertEquals(List.of(), accepted.rejected());

        Map<String, List<Record>> onStream = KinesisLocal.readAll(stream);
        assertEquals(StreamPacker.DEFAULT_BUCKETS + 1, onStream.values().stream().mapToInt(List::size).sum(),
                "23 series packed into one record per partition bucket, plus one for the events");
        assertTrue(onStream.values().stream().filter(r -> !r.isEmpty()).count() > 1,
                "records should be spread over both shards: " + onStream.keySet());
        for (List<Record> shard : onStream.values()) {
            assertTrue(shard.stream().filter(r -> r.partitionKey().startsWith("lw-")).count()
                    <= StreamPacker.DEFAULT_BUCKETS / 2, "the bucket keys tile the hash-key space: two per shard");
        }

        List<String> failures = deliver(asLambdaDeliversThem(onStream));

        assertEquals(List.of(), failures, "no batch item failures");
        assertEquals(28.0, metrics.counter("PointsRolledUp"));
        assertRollupsAsIngested();
    }

    @Test
    void theSameKinesisEventDeliveredTwiceChangesNothing() {
        ingest.ingestMetrics(TENANT, json(metricsBody()));
        ingest.ingestEvents(TENANT, json("""
                {"events":[{"title":"deploy api v42","kind":"deploy","time":%d}]}""".formatted(T0 + 5_000)));
        List<KinesisEvent> lambdaEvents = asLambdaDeliversThem(KinesisLocal.readAll(stream));
        assertEquals(List.of(), deliver(lambdaEvents));
        double rolledUp = metrics.counter("PointsRolledUp");
        double writes = metrics.counter("RollupWrites");

        List<String> failures = deliver(lambdaEvents); // at-least-once: the mapping redelivers the same batch

        assertEquals(List.of(), failures, "a redelivered batch has no batch item failures");
        assertEquals(rolledUp, metrics.counter("PointsRolledUp"), "no point is counted twice");
        assertEquals(28.0, metrics.counter("PointsSkippedAsDuplicate"));
        assertEquals(writes, metrics.counter("RollupWrites"), "a redelivered batch writes no rollup");
        assertRollupsAsIngested();
    }
}
