package dev.longwatch.local;

import dev.longwatch.aws.s3.S3EmulatorClients;
import dev.longwatch.core.telemetry.Log;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * S3 for local-dev: s3proxy in-process on loopback, keeping objects as files under the data dir, so the archive
 * runs through the same S3 adapter as on AWS and survives restarts.
 */
public final class LocalS3Server implements AutoCloseable {
    private static final Log LOG = Log.get(LocalS3Server.class);
    public static final String BUCKET = "longwatch-archive";
    private static final String ACCESS_KEY = "local";
    private static final String SECRET_KEY = "local-only";

    private final S3Proxy proxy;
    private final S3Client client;

    private LocalS3Server(S3Proxy proxy, S3Client client) {
        this.proxy = proxy;
        this.client = client;
    }

    /** Starts on a free loopback port with its objects under {@code dir}, and creates the archive bucket. */
    public static LocalS3Server start(Path dir) throws Exception {
        Files.createDirectories(dir);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        S3Client client = S3EmulatorClients.forEndpoint(URI.create("http://127.0.0.1:" + proxy.getPort()),
                ACCESS_KEY, SECRET_KEY);
        try {
            client.createBucket(b -> b.bucket(BUCKET));
        } catch (BucketAlreadyOwnedByYouException existing) {
            // Created by an earlier start.
        } catch (S3Exception e) {
            if (e.statusCode() != 409) {
                client.close();
                proxy.stop();
                throw e;
            }
        }
        LOG.info("local S3 started", "dir", dir, "port", proxy.getPort(), "bucket", BUCKET);
        return new LocalS3Server(proxy, client);
    }

    public S3Client client() {
        return client;
    }

    /** Presigned GET links to objects of the local S3 (chart images in messages). */
    public software.amazon.awssdk.services.s3.presigner.S3Presigner presigner() {
        return software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(true).build())
                .build();
    }

    /** Creates a bucket if it does not exist yet. */
    public void ensureBucket(String name) {
        try {
            client.createBucket(b -> b.bucket(name));
        } catch (BucketAlreadyOwnedByYouException existing) {
            // Created by an earlier start.
        } catch (S3Exception e) {
            if (e.statusCode() != 409) {
                throw e;
            }
        }
    }

    public String bucket() {
        return BUCKET;
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
    }
}
