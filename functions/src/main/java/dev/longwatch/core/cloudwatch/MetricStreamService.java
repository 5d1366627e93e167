package dev.longwatch.core.cloudwatch;

import dev.longwatch.model.PointBuffer;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.MetricType;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Series;
import dev.longwatch.model.Tags;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CloudWatch Metric Streams delivered by Amazon Data Firehose to an HTTP endpoint, in the stream's JSON output
 * format. A delivery is {@code {"requestId", "timestamp", "records": [{"data": base64}]}}; each record's data
 * holds newline-separated objects, one datapoint each:
 * <pre>{"metric_stream_name", "account_id", "region", "namespace", "metric_name", "dimensions": {...},
 *  "timestamp": epoch ms, "value": {"max", "min", "sum", "count", ...percentiles}, "unit"}</pre>
 * Every value becomes a point of its own series ({@link CloudWatchSeries}): {@code <name>.min} and
 * {@code .max} gauges, {@code .sum} and {@code .count} counters, so minimum, maximum, total and average
 * (sum / count) stay exact over any range. The unit and the stream name are not kept.
 *
 * <p>A datapoint that cannot be read is refused alone, by record and line, and the rest of the delivery is
 * kept: answering an error would make Firehose send the whole delivery again. Firehose retries a delivery with
 * the same request id; the {@link DeliveryLedger} answers a retry of a delivery already on the stream without
 * publishing it again.
 */
public final class MetricStreamService {
    private static final Log LOG = Log.get(MetricStreamService.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** API Gateway gives an integration 30 s; an attempt still unfinished after this has died. */
    static final Duration CLAIM = Duration.ofMinutes(2);
    /** Firehose retries for at most 2 hours; a day is ample. */
    static final Duration REMEMBER = Duration.ofDays(1);
    static final int MAX_REQUEST_ID = 200;
    /** Rejections listed in the outcome (and the log); the rest are only counted. */
    static final int MAX_LISTED_REJECTIONS = 20;

    public enum Status {
        /** The delivery's points are on the stream. */
        ACCEPTED,
        /** An earlier attempt of this delivery put it on the stream; nothing was published again. */
        DUPLICATE,
        /** Another attempt of this delivery is being processed; Firehose should retry later. */
        IN_PROGRESS
    }

    /** A datapoint refused: the record's index, the line in its data (null for the whole record), why. */
    public record Rejection(int record, Integer line, String reason) {
    }

    public record Outcome(String requestId, Status status, int datapoints, int points, int rejectedCount,
                          List<Rejection> rejected) {
    }

    private final IngestLimits limits;
    private final CloudWatchSeries names;
    private final SeriesStreamWriter writer;
    private final DeliveryLedger ledger;
    private final PlatformMetrics metrics;
    private final Clock clock;

    public MetricStreamService(IngestLimits limits, SeriesStreamWriter writer, DeliveryLedger ledger,
                               PlatformMetrics metrics, Clock clock) {
        this.limits = limits;
        this.names = new CloudWatchSeries(limits);
        this.writer = writer;
        this.ledger = ledger;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Reads a delivery and puts its datapoints on the tenant's stream. A body that is not a Firehose delivery
     * throws {@link PayloadException}; a stream outage throws before the delivery is marked done, so the retry
     * is processed again.
     */
    public Outcome deliver(String tenant, byte[] body) {
        Decoded d = decode(body);
        long now = clock.millis();
        long expires = now + REMEMBER.toMillis();
        boolean tracked = d.requestId.length() <= MAX_REQUEST_ID;
        if (tracked) {
            DeliveryLedger.Claim claim = ledger.claim(tenant, d.requestId, now, now + CLAIM.toMillis(), expires);
            if (claim == DeliveryLedger.Claim.DONE) {
                metrics.count("MetricStreamDuplicateDeliveries", 1);
                // The delivery's id is in the caller's log context (the handler puts it there).
                LOG.info("delivery already on the stream; not published again");
                return new Outcome(d.requestId, Status.DUPLICATE, d.datapoints, 0, 0, List.of());
            }
            if (claim == DeliveryLedger.Claim.IN_PROGRESS) {
                return new Outcome(d.requestId, Status.IN_PROGRESS, d.datapoints, 0, 0, List.of());
            }
        }
        int points;
        try {
            points = writer.publish(tenant, d.series());
        } catch (RuntimeException e) {
            if (tracked) {
                ledger.abandon(tenant, d.requestId);
            }
            throw e;
        }
        if (tracked) {
            ledger.complete(tenant, d.requestId, expires);
        }
        metrics.count("MetricStreamPointsAccepted", points);
        if (d.rejectedCount > 0) {
            metrics.count("MetricStreamItemsRejected", d.rejectedCount);
            LOG.warn("metric stream datapoints refused", "refused", d.rejectedCount,
                    "first", d.rejected.get(0).toString());
        }
        return new Outcome(d.requestId, Status.ACCEPTED, d.datapoints, points, d.rejectedCount, d.rejected);
    }

    /** The request id of a body, when it can be read, for the answer to a body that cannot be processed. */
    public static String requestIdOf(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("requestId".equals(name) && t == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private record Key(String name, MetricType type, Tags tags) {
    }

    private final class Decoded {
        String requestId;
        int datapoints;
        int rejectedCount;
        final List<Rejection> rejected = new ArrayList<>();
        final Map<Key, PointBuffer> series = new LinkedHashMap<>();

        void reject(int record, Integer line, String reason) {
            rejectedCount++;
            if (rejected.size() < MAX_LISTED_REJECTIONS) {
                rejected.add(new Rejection(record, line, reason));
            }
        }

        List<Series> series() {
            List<Series> out = new ArrayList<>(series.size());
            series.forEach((k, p) -> out.add(new Series(k.name(), k.type(), k.tags(), p.times(), p.values())));
            return out;
        }
    }

    private Decoded decode(byte[] body) {
        Decoded d = new Decoded();
        boolean sawRecords = false;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new PayloadException("", "a Firehose delivery must be a JSON object with requestId and records");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "requestId" -> {
                        if (t != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
                            throw new PayloadException("requestId", "must be a non-empty string");
                        }
                        d.requestId = p.getText();
                    }
                    case "records" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw new PayloadException("records", "must be an array");
                        }
                        sawRecords = true;
                        readRecords(p, d);
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new PayloadException("", "unexpected content after the JSON object");
            }
        } catch (IOException e) {
            throw new PayloadException("", "the body is not valid JSON");
        }
        if (d.requestId == null) {
            throw new PayloadException("requestId", "is required");
        }
        if (!sawRecords) {
            throw new PayloadException("records", "is required");
        }
        return d;
    }

    private void readRecords(JsonParser p, Decoded d) throws IOException {
        int index = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
            if (t == null) {
                throw new PayloadException("records", "unexpected end of input");
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                d.reject(index, null, "a record must be an object with a base64 data field");
                continue;
            }
            String data = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("data".equals(name) && v == JsonToken.VALUE_STRING) {
                    data = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if (data == null) {
                d.reject(index, null, "data must be a base64 string");
                continue;
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                d.reject(index, null, "data is not valid base64");
                continue;
            }
            readLines(index, new String(bytes, StandardCharsets.UTF_8), d);
        }
    }

    private void readLines(int record, String text, Decoded d) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            d.datapoints++;
            String problem = readDatapoint(line, d);
            if (problem != null) {
                d.reject(record, i, problem);
            }
        }
    }

    /** Adds one datapoint's values to their series; returns why it was refused, or null. */
    private String readDatapoint(String line, Decoded d) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (IOException e) {
            return "not a JSON object";
        }
        if (n == null || !n.isObject()) {
            return "not a JSON object";
        }
        String namespace = text(n, "namespace");
        String metric = text(n, "metric_name");
        if (namespace == null || namespace.isEmpty() || metric == null || metric.isEmpty()) {
            return "namespace and metric_name must be non-empty strings";
        }
        JsonNode ts = n.get("timestamp");
        if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong()) {
            return "timestamp must be whole epoch milliseconds";
        }
        long time = ts.asLong();
        long now = clock.millis();
        if (time < now - limits.maxPast().toMillis() || time > now + limits.maxFuture().toMillis()) {
            return "timestamp " + time + " is more than " + limits.maxPast().toDays() + " days in the past or "
                    + limits.maxFuture().toMinutes() + " minutes in the future";
        }
        JsonNode value = n.get("value");
        if (value == null || !value.isObject() || value.isEmpty()) {
            return "value must be an object such as {\"min\", \"max\", \"sum\", \"count\"}";
        }
        Map<String, String> dimensions = new TreeMap<>();
        JsonNode dims = n.get("dimensions");
        if (dims != null && !dims.isNull()) {
            if (!dims.isObject()) {
                return "dimensions must be an object of strings";
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = dims.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    return "dimension \"" + CloudWatchSeries.clip(e.getKey()) + "\" must have a string value";
                }
                dimensions.put(e.getKey(), e.getValue().asText());
            }
        }
        Tags tags;
        List<Key> keys = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        try {
            tags = names.tags(dimensions, text(n, "account_id"), text(n, "region"));
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                    return "value." + CloudWatchSeries.clip(e.getKey()) + " must be a finite number";
                }
                CloudWatchSeries.Statistic stat = CloudWatchSeries.streamStatistic(e.getKey());
                keys.add(new Key(names.name(namespace, metric, stat.suffix()), stat.type(), tags));
                values.add(v.asDouble());
            }
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        for (int i = 0; i < keys.size(); i++) {
            d.series.computeIfAbsent(keys.get(i), k -> new PointBuffer(8)).add(time, values.get(i));
        }
        return null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
