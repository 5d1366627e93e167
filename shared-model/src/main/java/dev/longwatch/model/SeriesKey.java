package dev.longwatch.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The identity of one time series: tenant, metric name, type and tags.
 *
 * <p>{@link #id()} is a stable 128-bit hash of the canonical form. It is the Kinesis partition key (so a
 * series always lands on the same shard) and, prefixed by the tenant, the DynamoDB partition key of its
 * rollups.
 */
public record SeriesKey(String tenant, String metric, MetricType type, Tags tags) {

    public SeriesKey {
        if (tenant == null || tenant.isEmpty()) {
            throw new IllegalArgumentException("tenant is required");
        }
    }

    /** Hex of the first 16 bytes of SHA-256 over the canonical form. */
    public String id() {
        return HexFormat.of().formatHex(digest(canonical()), 0, 16);
    }

    /** Tenant-qualified id: the partition key of rollup items. Tenants can never collide. */
    public String qualifiedId() {
        return tenant + "/" + id();
    }

    /** {@code tenant \u0000 metric \u0000 type \u0000 k=v \u0000 ...}: NUL cannot occur in names or tags. */
    public String canonical() {
        StringBuilder sb = new StringBuilder(64);
        sb.append(tenant).append('\0').append(metric).append('\0').append(type.wireName());
        for (Map.Entry<String, String> e : tags.asMap().entrySet()) {
            sb.append('\0').append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
