package dev.longwatch.core.cloudwatch;

import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.Names;
import dev.longwatch.model.Tags;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How a CloudWatch metric becomes Longwatch series; shared by the GetMetricData importer and the metric-stream
 * endpoint, so history imported from CloudWatch and live data from a metric stream land in the same series.
 *
 * <ul>
 *   <li>name: {@code aws.<namespace lower-cased, '/' → '.'>.<metric name>.<statistic>}, e.g.
 *       {@code aws.aws.ec2.CPUUtilization.max}; characters a Longwatch name cannot hold become {@code _};</li>
 *   <li>statistic suffixes: {@code min}, {@code max}, {@code avg} and percentiles ({@code p99}) are gauges;
 *       {@code sum} and {@code count} (SampleCount) are counters, so adding them up over any range is right;</li>
 *   <li>tags: the dimensions (names made valid the same way), plus {@code aws_region} and, when known,
 *       {@code aws_account}, so the same metric of two accounts or regions stays two series.</li>
 * </ul>
 * A metric that cannot fit the ingest limits (name over 200 characters, a dimension value over 200, more than
 * 18 dimensions) is refused with the reason, never truncated into a different series.
 */
public final class CloudWatchSeries {
    public static final String PREFIX = "aws.";
    public static final String ACCOUNT_TAG = "aws_account";
    public static final String REGION_TAG = "aws_region";
    /** Dimensions that fit beside the account and region tags. */
    public static final int MAX_DIMENSIONS = IngestLimits.DEFAULT.maxTags() - 2;

    private static final Pattern PERCENTILE = Pattern.compile("p(100|[0-9]{1,2}(\\.[0-9]{1,3})?)");

    private final IngestLimits limits;

    public CloudWatchSeries(IngestLimits limits) {
        this.limits = limits;
    }

    /** A statistic of the GetMetricData API as the suffix and type of its series. */
    public record Statistic(String cloudWatchName, String suffix, MetricType type) {
    }

    /**
     * The statistics the importer accepts: {@code Average}, {@code Minimum}, {@code Maximum}, {@code Sum},
     * {@code SampleCount} and percentiles {@code p0}..{@code p100} (e.g. {@code p99}, {@code p99.9}).
     */
    public static Statistic statistic(String name) {
        return switch (name) {
            case "Average" -> new Statistic(name, "avg", MetricType.GAUGE);
            case "Minimum" -> new Statistic(name, "min", MetricType.GAUGE);
            case "Maximum" -> new Statistic(name, "max", MetricType.GAUGE);
            case "Sum" -> new Statistic(name, "sum", MetricType.COUNTER);
            case "SampleCount" -> new Statistic(name, "count", MetricType.COUNTER);
            default -> {
                if (PERCENTILE.matcher(name).matches()) {
                    yield new Statistic(name, name, MetricType.GAUGE);
                }
                throw new IllegalArgumentException("statistic \"" + clip(name) + "\" is not supported; use Average, "
                        + "Minimum, Maximum, Sum, SampleCount or a percentile such as p99");
            }
        };
    }

    /**
     * A key of a metric stream's {@code value} object as the suffix and type of its series: {@code min},
     * {@code max} gauges, {@code sum}, {@code count} counters, any other statistic (a percentile such as
     * {@code p99.9}, a trimmed mean {@code TM(25%:75%)}) a gauge named by its lower-cased key with characters
     * outside {@code a-z 0-9 .} replaced by {@code _} ({@code tm_25_75}).
     */
    public static Statistic streamStatistic(String key) {
        return switch (key) {
            case "min", "max" -> new Statistic(key, key, MetricType.GAUGE);
            case "sum", "count" -> new Statistic(key, key, MetricType.COUNTER);
            default -> {
                String s = squeeze(key.toLowerCase(Locale.ROOT), "abcdefghijklmnopqrstuvwxyz0123456789.");
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("value statistic \"" + clip(key) + "\" has no usable name");
                }
                yield new Statistic(key, s, MetricType.GAUGE);
            }
        };
    }

    /** The series name of a statistic of a CloudWatch metric; refused when longer than the ingest limit. */
    public String name(String namespace, String metricName, String suffix) {
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("namespace is required");
        }
        if (metricName == null || metricName.isEmpty()) {
            throw new IllegalArgumentException("metric name is required");
        }
        String ns = squeeze(namespace.toLowerCase(Locale.ROOT).replace('/', '.'), NAME_CHARS);
        String metric = squeeze(metricName, NAME_CHARS_WITH_SLASH);
        if (ns.isEmpty() || metric.isEmpty()) {
            throw new IllegalArgumentException("namespace \"" + clip(namespace) + "\" or metric name \""
                    + clip(metricName) + "\" has no letter or digit to name a series by");
        }
        String name = PREFIX + ns + "." + metric + "." + suffix;
        if (!Names.isValidName(name, limits.maxMetricNameLength())) {
            throw new IllegalArgumentException("the series name " + clip(name) + " would be longer than "
                    + limits.maxMetricNameLength() + " characters");
        }
        return name;
    }

    /**
     * The tags of a CloudWatch metric: its dimensions plus {@code aws_region} and {@code aws_account} when given.
     * Dimension names are made valid tag keys; a value that is no valid tag value is refused.
     */
    public Tags tags(Map<String, String> dimensions, String account, String region) {
        Map<String, String> out = new TreeMap<>();
        int n = dimensions == null ? 0 : dimensions.size();
        if (n > MAX_DIMENSIONS) {
            throw new IllegalArgumentException(n + " dimensions are more than the " + MAX_DIMENSIONS
                    + " that fit beside the aws_account and aws_region tags");
        }
        if (dimensions != null) {
            for (Map.Entry<String, String> d : dimensions.entrySet()) {
                String key = tagKey(d.getKey());
                String value = d.getValue();
                if (value == null || !Names.isValidValue(value, limits.maxTagValueLength())) {
                    throw new IllegalArgumentException("the value of dimension \"" + clip(d.getKey()) + "\" must be 1-"
                            + limits.maxTagValueLength() + " characters without control characters");
                }
                if (out.put(key, value) != null) {
                    throw new IllegalArgumentException("dimensions \"" + clip(d.getKey()) + "\" and another one both "
                            + "become the tag \"" + key + "\"");
                }
            }
        }
        putReserved(out, ACCOUNT_TAG, account);
        putReserved(out, REGION_TAG, region);
        return Tags.of(out);
    }

    private void putReserved(Map<String, String> out, String key, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        if (!Names.isValidValue(value, limits.maxTagValueLength())) {
            throw new IllegalArgumentException(key + " must be 1-" + limits.maxTagValueLength()
                    + " characters without control characters");
        }
        if (out.put(key, value) != null) {
            throw new IllegalArgumentException("a dimension named like the tag " + key + " is not supported");
        }
    }

    private String tagKey(String dimension) {
        if (dimension == null || dimension.isEmpty()) {
            throw new IllegalArgumentException("a dimension name must not be empty");
        }
        String k = squeeze(dimension, NAME_CHARS_WITH_SLASH);
        if (k.isEmpty()) {
            throw new IllegalArgumentException("dimension name \"" + clip(dimension) + "\" has no letter or digit");
        }
        char c0 = k.charAt(0);
        if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_')) {
            k = "_" + k;
        }
        if (!Names.isValidName(k, limits.maxTagKeyLength())) {
            throw new IllegalArgumentException("dimension name \"" + clip(dimension) + "\" is longer than "
                    + limits.maxTagKeyLength() + " characters");
        }
        return k;
    }

    private static final String NAME_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:";
    private static final String NAME_CHARS_WITH_SLASH = NAME_CHARS + "/";

    /** Characters outside {@code allowed} become '_', runs of '_' from them collapse; leading/trailing '_' of them go. */
    static String squeeze(String s, String allowed) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean pending = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (allowed.indexOf(c) >= 0) {
                if (pending && !sb.isEmpty()) {
                    sb.append('_');
                }
                pending = false;
                sb.append(c);
            } else {
                pending = true;
            }
        }
        return sb.toString();
    }

    static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
