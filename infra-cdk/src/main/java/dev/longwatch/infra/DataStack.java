package dev.longwatch.infra;

import dev.longwatch.infra.construct.ArchiveBucket;
import dev.longwatch.infra.construct.EventStream;
import dev.longwatch.infra.construct.LongwatchTables;
import dev.longwatch.infra.construct.TableSet;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kinesis.Stream;
import software.constructs.Construct;

/**
 * What holds data: the DynamoDB tables, the Kinesis stream and the S3 archive bucket. Kept apart from the functions so that
 * redeploying or even deleting the compute stacks never touches stored data.
 */
public final class DataStack extends Stack {
    private final TableSet tables;
    private final Stream stream;
    private final ArchiveBucket archive;

    public DataStack(Construct scope, String id, StackProps stackProps, LongwatchConfig config) {
        super(scope, id, stackProps);
        this.tables = new LongwatchTables(this, "Tables", new LongwatchTables.Props(config.production())).tables();
        this.stream = new EventStream(this, "Stream", new EventStream.Props(config.kinesisShards(),
                config.streamRetentionHours(), config.production())).stream();

        CfnOutput.Builder.create(this, "StreamName").value(stream.getStreamName())
                .description("Kinesis stream for direct producers (record format: api-spec/kinesis-record-format.md)")
                .build();
        CfnOutput.Builder.create(this, "StreamArn").value(stream.getStreamArn()).build();
        CfnOutput.Builder.create(this, "ApiKeysTableName").value(tables.apiKeys().getTableName())
                .description("API keys by SHA-256 hash; infra-cdk/create-api-key writes to it")
                .build();
        this.archive = new ArchiveBucket(this, "Archive", new ArchiveBucket.Props(config.production()));
        CfnOutput.Builder.create(this, "ArchiveBucketName").value(archive.bucket().getBucketName())
                .description("Raw points in S3 (docs/operations.md#archive, api-spec/archive-block-format.md)")
                .build();
    }

    public TableSet tables() {
        return tables;
    }

    public Stream stream() {
        return stream;
    }

    public ArchiveBucket archive() {
        return archive;
    }
}
