package dev.longwatch.bench;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Item sizes and capacity units as the DynamoDB Developer Guide documents them ("DynamoDB item sizes and
 * formats", "read and write operations"): names plus values, numbers at one byte per two significant digits
 * plus one, three bytes of overhead per map or list and one per element; one write unit per 1 KB written,
 * one strongly consistent read unit per 4 KB read. Used to check the units DynamoDB Local reports.
 */
final class ItemSizes {
    private ItemSizes() {
    }

    static long itemBytes(Map<String, AttributeValue> item) {
        long n = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            n += utf8(e.getKey()) + valueBytes(e.getValue());
        }
        return n;
    }

    static long valueBytes(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            return numberBytes(v.n());
        }
        if (v.b() != null) {
            return v.b().asByteArrayUnsafe().length;
        }
        if (v.bool() != null || v.nul() != null) {
            return 1;
        }
        if (v.hasM()) {
            long n = 3;
            for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                n += utf8(e.getKey()) + valueBytes(e.getValue()) + 1;
            }
            return n;
        }
        if (v.hasL()) {
            long n = 3;
            for (AttributeValue e : v.l()) {
                n += valueBytes(e) + 1;
            }
            return n;
        }
        if (v.hasSs()) {
            return v.ss().stream().mapToLong(ItemSizes::utf8).sum();
        }
        if (v.hasNs()) {
            return v.ns().stream().mapToLong(ItemSizes::numberBytes).sum();
        }
        if (v.hasBs()) {
            return v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
        }
        throw new IllegalArgumentException("attribute value of unknown type: " + v);
    }

    /** One byte per two significant digits, plus one. */
    static long numberBytes(String number) {
        BigDecimal d = new BigDecimal(number).stripTrailingZeros();
        int digits = d.signum() == 0 ? 1 : d.precision();
        return (digits + 1) / 2 + 1;
    }

    static double writeUnits(long bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    /** A read of a missing item still costs the minimum: one unit when strongly consistent. */
    static double readUnits(long bytes, boolean consistent) {
        double units = Math.max(1, (bytes + 4095) / 4096);
        return consistent ? units : units / 2;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
