package dev.longwatch.infra;

import dev.longwatch.infra.construct.LongwatchFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code streamPartitionBuckets}: every function that writes metrics records onto the stream packs them over the
 * same partition buckets, enough for every provisioned shard to carry some.
 */
class StreamPartitionBucketsTest {

    private static String environment(Template t, LongwatchFunction fn) {
        return Cfn.json(Cfn.properties(Cfn.resources(t, "AWS::Lambda::Function")
                .get(Installation.logicalId(fn.function()))).get("Environment"));
    }

    private static LongwatchConfig config(Map<String, Object> context) {
        return LongwatchConfig.fromContext(App.Builder.create().context(context).build().getNode());
    }

    @Test
    void everyStreamProducerGetsTheSameBucketsAndNoOtherFunctionDoes() {
        Installation i = Installation.defaults();
        var ingest = i.stacks.ingest();
        for (LongwatchFunction fn : List.of(ingest.api().ingest(), ingest.api().metricStream(),
                ingest.importer().function())) {
            assertTrue(environment(i.ingest(), fn).contains("\"LONGWATCH_STREAM_PARTITION_BUCKETS\":\"4\""),
                    fn.function().getNode().getPath());
        }
        assertFalse(environment(i.ingest(), ingest.api().query()).contains("LONGWATCH_STREAM_PARTITION_BUCKETS"),
                "the query function writes nothing to the stream");
    }

    @Test
    void theBucketsFollowTheProvisionedShardsAndNeverFallBelowThem() {
        assertEquals(4, config(Map.of()).streamPartitionBuckets(), "on-demand: the functions' default");
        assertEquals(4, config(Map.of("kinesisShards", "2")).streamPartitionBuckets());
        assertEquals(16, config(Map.of("kinesisShards", "16")).streamPartitionBuckets(), "one per shard");
        assertEquals(32, config(Map.of("kinesisShards", "16", "streamPartitionBuckets", "32"))
                .streamPartitionBuckets());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of("kinesisShards", "16", "streamPartitionBuckets", "8")));
        assertTrue(e.getMessage().contains("'streamPartitionBuckets' is '8'")
                && e.getMessage().contains("between 16 and 1024"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("streamPartitionBuckets", "0")));
    }
}
