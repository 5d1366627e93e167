package dev.longwatch.aws.s3;

import dev.longwatch.core.notify.chart.ChartStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.time.Duration;

/**
 * Chart images in {@code LONGWATCH_CHARTS_BUCKET} under {@code charts/<tenant>/<name>}, linked with a presigned GET
 * URL (7 days: the longest SigV4 allows). The bucket's lifecycle rule expires them.
 */
public final class S3ChartStore implements ChartStore {
    public static final Duration LINK_TTL = Duration.ofDays(7);
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    public S3ChartStore(S3Client s3, S3Presigner presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    @Override
    public String put(String tenant, String name, byte[] png) {
        String key = "charts/" + tenant + "/" + name;
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("image/png").cacheControl("private, max-age=604800"),
                RequestBody.fromBytes(png));
        return presigner.presignGetObject(b -> b.signatureDuration(LINK_TTL)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
    }
}
