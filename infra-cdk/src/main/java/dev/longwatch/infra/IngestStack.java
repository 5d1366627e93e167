package dev.longwatch.infra;

import dev.longwatch.infra.construct.MinuteTierWiring;
import dev.longwatch.infra.construct.ArchiveBucket;
import dev.longwatch.infra.construct.CloudWatchImporter;
import dev.longwatch.infra.construct.FunctionSettings;
import dev.longwatch.infra.construct.IngestApi;
import dev.longwatch.infra.construct.TableSet;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kinesis.IStream;
import software.constructs.Construct;

import java.util.Objects;

/**
 * What tenants' data comes in and goes out through: the tenant API and the functions behind it (ingest, query,
 * metric streams), and the CloudWatch importer, another producer onto the stream.
 */
public final class IngestStack extends Stack {
    /** Seconds back from now from which minute queries read the archive instead of the minute rollups. */
    public static final String FRESH_FROM_ARCHIVE = "LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS";
    /** Partition keys per metrics record producer ({@code StreamPacker}; api-spec/kinesis-record-format.md). */
    public static final String STREAM_PARTITION_BUCKETS = "LONGWATCH_STREAM_PARTITION_BUCKETS";

    /** {@code archive} may be null: raw-resolution queries then answer 400. */
    public record Props(LongwatchConfig config, TableSet tables, IStream stream, FunctionSettings functions,
                        ArchiveBucket archive) {
        public Props {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(tables, "tables");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(functions, "functions");
        }

        public Props(LongwatchConfig config, TableSet tables, IStream stream, FunctionSettings functions) {
            this(config, tables, stream, functions, null);
        }
    }

    /**
     * With a rollup window longer than a minute, the newest minutes come from the archive (60-s window) until the
     * rollups have them: the window plus two minutes of delivery and processing. Empty with the default 60-s window.
     * Every function that answers minute queries (query, chat's {@code graph}) gets the same value.
     */
    public static java.util.OptionalInt freshFromArchiveSeconds(LongwatchConfig config) {
        if (config.minuteTierFromArchive()) {
            return java.util.OptionalInt.of(MinuteTierWiring.ARCHIVE_MODE_LAG_SECONDS);
        }
        int window = config.batchingWindowSeconds();
        return window > 60 ? java.util.OptionalInt.of(window + 120) : java.util.OptionalInt.empty();
    }

    private final IngestApi api;
    private final CloudWatchImporter importer;

    public IngestStack(Construct scope, String id, StackProps stackProps, Props props) {
        super(scope, id, stackProps);
        this.api = new IngestApi(this, "TenantApi", new IngestApi.Props(props.tables(), props.stream(),
                props.functions(), props.config().rollupRetention(), props.config().apiRateLimit(), props.config().apiBurstLimit()));
        if (props.archive() != null) {
            // Raw-resolution queries (resolution=raw, steps below a minute) read the archive: list and get only.
            props.archive().environment().forEach((k, v) -> api.query().function().addEnvironment(k, v));
            props.archive().grantRead(api.query());
            freshFromArchiveSeconds(props.config()).ifPresent(seconds ->
                    api.query().function().addEnvironment(FRESH_FROM_ARCHIVE, Integer.toString(seconds)));
            if (props.config().minuteTierFromArchive()) {
                // Minutes are written once an hour: the tail reaches back to the tenant's compacted hours.
                api.query().function().addEnvironment(MinuteTierWiring.VARIABLE, "archive");
                api.query().function().addEnvironment(MinuteTierWiring.CACHE_VARIABLE,
                        Integer.toString(MinuteTierWiring.READER_CACHE_OBJECTS));
            }
        }
        this.importer = new CloudWatchImporter(this, "CloudWatchImport", new CloudWatchImporter.Props(props.tables(),
                props.stream(), props.functions(), props.config().cloudWatchImports(),
                Duration.minutes(props.config().cloudWatchImportMinutes())));
        // Every producer onto the stream packs metrics records over the same partition buckets (StreamPacker).
        String buckets = Integer.toString(props.config().streamPartitionBuckets());
        for (var fn : java.util.List.of(api.ingest(), api.metricStream(), importer.function())) {
            fn.function().addEnvironment(STREAM_PARTITION_BUCKETS, buckets);
        }
        CfnOutput.Builder.create(this, "ApiUrl").value(api.url())
                .description("Base URL of the tenant API (POST /v1/metrics, GET /v1/query, ...)")
                .build();
    }

    public IngestApi api() {
        return api;
    }

    public CloudWatchImporter importer() {
        return importer;
    }
}
