package dev.longwatch.infra.construct;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.constructs.Construct;

/**
 * The Kinesis stream between ingest and rollups (and the entry point of direct producers). On-demand by
 * default: no capacity planning, and the cost follows the traffic. Provisioned shards are cheaper for a
 * steady, known load.
 */
public final class EventStream extends Construct {

    /** @param shards 0 for on-demand, else the number of provisioned shards */
    public record Props(int shards, int retentionHours, boolean production) {
        public Props {
            if (shards < 0) {
                throw new IllegalArgumentException("shards must be 0 (on-demand) or positive, got " + shards);
            }
        }
    }

    private final Stream stream;

    public EventStream(Construct scope, String id, Props props) {
        super(scope, id);
        Stream.Builder b = Stream.Builder.create(this, "Stream")
                // The AWS managed key (aws/kinesis): a customer managed key would need a key policy for every
                // direct producer's role and bill KMS requests, for no control anyone has asked for.
                .encryption(StreamEncryption.MANAGED)
                .retentionPeriod(Duration.hours(props.retentionHours()))
                // Records not yet rolled up live only here; production keeps them if the stack goes.
                .removalPolicy(props.production() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
        if (props.shards() == 0) {
            b.streamMode(StreamMode.ON_DEMAND);
        } else {
            b.streamMode(StreamMode.PROVISIONED).shardCount(props.shards());
        }
        this.stream = b.build();
    }

    public Stream stream() {
        return stream;
    }
}
