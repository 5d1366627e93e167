package dev.longwatch.testing;

import dev.longwatch.aws.s3.S3EmulatorClients;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.util.UUID;

/**
 * s3proxy, in-process on a transient (in-memory) blob store, shared by every test of the JVM. Each caller
 * gets its own fresh bucket, so tests never see each other's objects.
 */
public final class LocalS3 {
    static final String ACCESS_KEY = "local";
    static final String SECRET_KEY = "local-secret";
    private static S3Proxy proxy;
    private static S3Client client;

    private LocalS3() {
    }

    public static synchronized S3Client client() {
        if (client == null) {
            try {
                proxy = S3Proxy.builder()
                        .blobStore(new TransientNio2BlobStore())
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .build();
                proxy.start();
            } catch (Exception e) {
                throw new IllegalStateException("s3proxy did not start: " + e.getMessage(), e);
            }
            client = clientFor(URI.create("http://127.0.0.1:" + proxy.getPort()));
        }
        return client;
    }

    /** An S3 client for an s3proxy endpoint: path-style addressing, static credentials. */
    public static S3Client clientFor(URI endpoint) {
        return S3EmulatorClients.forEndpoint(endpoint, ACCESS_KEY, SECRET_KEY);
    }

    /** Presigned URLs for the shared s3proxy (the chart links). */
    public static synchronized software.amazon.awssdk.services.s3.presigner.S3Presigner presigner() {
        client();
        return software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(true).build())
                .build();
    }

    /** A new, empty bucket. */
    public static String freshBucket() {
        String bucket = "lw-" + UUID.randomUUID().toString().substring(0, 12);
        client().createBucket(b -> b.bucket(bucket));
        return bucket;
    }
}
