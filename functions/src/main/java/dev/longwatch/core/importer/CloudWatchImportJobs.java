package dev.longwatch.core.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.cloudwatch.CloudWatchSeries;
import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.TenantIds;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Import job definitions as JSON, the same in local-dev's {@code POST /v1/admin/imports/cloudwatch} and in the
 * {@code LONGWATCH_CLOUDWATCH_IMPORTS} variable on AWS:
 * <pre>{"tenant": "acme", "id": "billing", "namespace": "AWS/Billing", "metric": "EstimatedCharges",
 *  "dimensions": {"Currency": "USD"}, "statistics": ["Maximum"], "period": 21600,
 *  "account": "123456789012", "since": "2024-09-01T00:00:00Z", "until": null}</pre>
 * A definition that cannot be imported is refused with the field at fault and the reason
 * ({@link PayloadException}), before anything is stored.
 */
public final class CloudWatchImportJobs {
    public static final int MAX_STATISTICS = 10;
    /** CloudWatch's own limits on namespace, metric and dimension names. */
    static final int MAX_CLOUDWATCH_NAME = 255;
    static final int MAX_PERIOD = 86_400;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CloudWatchSeries names;

    public CloudWatchImportJobs(IngestLimits limits) {
        this.names = new CloudWatchSeries(limits);
    }

    /** One definition from JSON text. */
    public CloudWatchImportJob parse(byte[] json) {
        return parse(readTree(json), "");
    }

    /** A JSON array of definitions (the {@code LONGWATCH_CLOUDWATCH_IMPORTS} variable); ids unique per tenant. */
    public List<CloudWatchImportJob> parseList(String json) {
        JsonNode root = readTree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (!root.isArray()) {
            throw new PayloadException("", "must be a JSON array of import jobs");
        }
        List<CloudWatchImportJob> out = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < root.size(); i++) {
            CloudWatchImportJob job = parse(root.get(i), i + "/");
            if (!keys.add(job.key())) {
                throw new PayloadException(i + "/id", "\"" + job.id() + "\" is used twice for tenant " + job.tenant());
            }
            out.add(job);
        }
        return out;
    }

    private static JsonNode readTree(byte[] json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null) {
                throw new PayloadException("", "a JSON body is required");
            }
            return n;
        } catch (IOException e) {
            throw new PayloadException("", "the body is not valid JSON");
        }
    }

    CloudWatchImportJob parse(JsonNode n, String at) {
        if (!n.isObject()) {
            throw new PayloadException(at, "an import job must be a JSON object");
        }
        String tenant = text(n, at, "tenant", true);
        if (!TenantIds.isValid(tenant)) {
            throw new PayloadException(at + "tenant", "must be 1-63 characters of a-z, 0-9 and -, starting with a "
                    + "letter or digit");
        }
        String id = text(n, at, "id", true);
        if (!ID.matcher(id).matches()) {
            throw new PayloadException(at + "id", "must be 1-64 characters of letters, digits, _ . -");
        }
        String namespace = cloudWatchName(n, at, "namespace");
        String metric = cloudWatchName(n, at, "metric");
        TreeMap<String, String> dimensions = dimensions(n, at);
        List<String> statistics = statistics(n, at);
        Integer period = period(n, at);
        String account = text(n, at, "account", false);
        if (account != null && !ACCOUNT.matcher(account).matches()) {
            throw new PayloadException(at + "account", "must be a 12-digit AWS account id");
        }
        Instant since = time(n, at, "since");
        Instant until = time(n, at, "until");
        if (since != null && until != null && !since.isBefore(until)) {
            throw new PayloadException(at + "until", "must be after since");
        }
        for (String s : statistics) {
            try {
                names.name(namespace, metric, CloudWatchSeries.statistic(s).suffix());
            } catch (IllegalArgumentException e) {
                throw new PayloadException(at + "metric", e.getMessage());
            }
        }
        try {
            names.tags(dimensions, account, "us-east-1");
        } catch (IllegalArgumentException e) {
            throw new PayloadException(at + "dimensions", e.getMessage());
        }
        return new CloudWatchImportJob(tenant, id, namespace, metric, dimensions, statistics, period, account, since,
                until);
    }

    private static String text(JsonNode n, String at, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new PayloadException(at + field, "is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new PayloadException(at + field, "must be a string");
        }
        return v.asText();
    }

    private static String cloudWatchName(JsonNode n, String at, String field) {
        String s = text(n, at, field, true);
        if (s.isEmpty() || s.length() > MAX_CLOUDWATCH_NAME) {
            throw new PayloadException(at + field, "must be 1-" + MAX_CLOUDWATCH_NAME + " characters");
        }
        return s;
    }

    private static TreeMap<String, String> dimensions(JsonNode n, String at) {
        TreeMap<String, String> out = new TreeMap<>();
        JsonNode d = n.get("dimensions");
        if (d == null || d.isNull()) {
            return out;
        }
        if (!d.isObject()) {
            throw new PayloadException(at + "dimensions", "must be an object of dimension name to value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new PayloadException(at + "dimensions/" + e.getKey(), "must be a string");
            }
            if (e.getKey().isEmpty() || e.getKey().length() > MAX_CLOUDWATCH_NAME) {
                throw new PayloadException(at + "dimensions", "dimension names must be 1-" + MAX_CLOUDWATCH_NAME
                        + " characters");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static List<String> statistics(JsonNode n, String at) {
        JsonNode s = n.get("statistics");
        if (s == null || !s.isArray() || s.isEmpty()) {
            throw new PayloadException(at + "statistics", "must be a non-empty array such as [\"Average\", \"Maximum\"]");
        }
        if (s.size() > MAX_STATISTICS) {
            throw new PayloadException(at + "statistics", "at most " + MAX_STATISTICS + " per job");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < s.size(); i++) {
            JsonNode v = s.get(i);
            if (!v.isTextual()) {
                throw new PayloadException(at + "statistics/" + i, "must be a string");
            }
            try {
                CloudWatchSeries.statistic(v.asText());
            } catch (IllegalArgumentException e) {
                throw new PayloadException(at + "statistics/" + i, e.getMessage());
            }
            if (!out.add(v.asText())) {
                throw new PayloadException(at + "statistics/" + i, "\"" + v.asText() + "\" is listed twice");
            }
        }
        return List.copyOf(out);
    }

    private static Integer period(JsonNode n, String at) {
        JsonNode p = n.get("period");
        if (p == null || p.isNull()) {
            return null;
        }
        if (!p.canConvertToInt() || !p.isIntegralNumber() || p.asInt() < 60 || p.asInt() > MAX_PERIOD
                || p.asInt() % 60 != 0) {
            throw new PayloadException(at + "period", "must be a whole number of minutes in seconds, 60 to "
                    + MAX_PERIOD);
        }
        return p.asInt();
    }

    private static Instant time(JsonNode n, String at, String field) {
        JsonNode t = n.get(field);
        if (t == null || t.isNull()) {
            return null;
        }
        if (t.isIntegralNumber()) {
            return Instant.ofEpochMilli(t.asLong());
        }
        if (t.isTextual()) {
            try {
                return Instant.parse(t.asText());
            } catch (DateTimeParseException e) {
                // fall through to the refusal
            }
        }
        throw new PayloadException(at + field, "must be epoch milliseconds or an RFC 3339 time such as "
                + "2024-09-01T00:00:00Z");
    }

    /** The definition as JSON, as it is stored and listed. */
    public static ObjectNode toJson(CloudWatchImportJob job) {
        ObjectNode o = JSON.createObjectNode();
        o.put("tenant", job.tenant());
        o.put("id", job.id());
        o.put("namespace", job.namespace());
        o.put("metric", job.metricName());
        ObjectNode d = o.putObject("dimensions");
        job.dimensions().forEach(d::put);
        ArrayNode s = o.putArray("statistics");
        job.statistics().forEach(s::add);
        if (job.period() != null) {
            o.put("period", job.period());
        }
        if (job.account() != null) {
            o.put("account", job.account());
        }
        if (job.since() != null) {
            o.put("since", job.since().toString());
        }
        if (job.until() != null) {
            o.put("until", job.until().toString());
        }
        return o;
    }
}
