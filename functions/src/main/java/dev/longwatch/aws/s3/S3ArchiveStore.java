package dev.longwatch.aws.s3;

import dev.longwatch.core.archive.ArchiveStore;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The archive's objects in one S3 bucket. The client is injected (s3proxy in tests and local-dev, S3 on AWS).
 * Conditional writes and deletes use S3's {@code If-Match} / {@code If-None-Match}; a failed precondition
 * (412), a concurrent conditional request (409) or a vanished object (404 on If-Match) answer {@code false}
 * (s3proxy answers a conditional delete of a vanished object with success).
 * Everything else is thrown: an outage never looks like an empty archive.
 */
public final class S3ArchiveStore implements ArchiveStore {
    static final String CONTENT_TYPE = "application/vnd.longwatch.archive-block";

    private final S3Client s3;
    private final String bucket;
    private final int pageSize;

    public S3ArchiveStore(S3Client s3, String bucket) {
        this(s3, bucket, 1000);
    }

    /** {@code pageSize}: keys per listing request (S3's maximum is 1000; tests use fewer to see paging). */
    S3ArchiveStore(S3Client s3, String bucket, int pageSize) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the archive bucket name is required");
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.pageSize = pageSize;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public Optional<Stored> get(String key) {
        try {
            ResponseBytes<GetObjectResponse> r = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            return Optional.of(new Stored(r.asByteArray(), r.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public String put(String key, byte[] bytes) {
        return s3.putObject(b -> b.bucket(bucket).key(key).contentType(CONTENT_TYPE), RequestBody.fromBytes(bytes))
                .eTag();
    }

    @Override
    public boolean putIfUnchanged(String key, byte[] bytes, String expectedEtag) {
        try {
            s3.putObject(b -> {
                b.bucket(bucket).key(key).contentType(CONTENT_TYPE);
                if (expectedEtag == null) {
                    b.ifNoneMatch("*");
                } else {
                    b.ifMatch(expectedEtag);
                }
            }, RequestBody.fromBytes(bytes));
            return true;
        } catch (NoSuchKeyException e) {
            return false; // If-Match on an object that is gone
        } catch (S3Exception e) {
            if (lostRace(e)) {
                // The SDK retries a PUT whose answer was lost; when the first attempt wrote, the retry's condition
                // fails against our own object. Exactly our bytes there means the write happened.
                return get(key).map(stored -> Arrays.equals(stored.bytes(), bytes)).orElse(false);
            }
            throw e;
        }
    }

    @Override
    public List<Listed> list(String prefix) {
        List<Listed> out = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).maxKeys(pageSize)
                .build();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request)) {
            for (S3Object o : page.contents()) {
                out.add(new Listed(o.key(), o.size(), o.eTag()));
            }
        }
        return out;
    }

    @Override
    public List<String> listPrefixes(String prefix) {
        List<String> out = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).delimiter("/")
                .maxKeys(pageSize).build();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request)) {
            for (CommonPrefix p : page.commonPrefixes()) {
                out.add(p.prefix());
            }
        }
        return out;
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public boolean deleteIfUnchanged(String key, String etag) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key).ifMatch(etag));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (lostRace(e)) {
                return false;
            }
            throw e;
        }
    }

    /** 412: the ETag no longer matches; 409: a concurrent conditional request won; 404: the object is gone. */
    private static boolean lostRace(S3Exception e) {
        if (e instanceof NoSuchBucketException) {
            return false; // a deployment problem, not a race
        }
        int status = e.statusCode();
        return status == 412 || status == 409 || status == 404;
    }
}
