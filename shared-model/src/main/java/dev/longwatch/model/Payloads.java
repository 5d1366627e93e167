package dev.longwatch.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads and validates the metrics and events payloads of the ingest API (and of stream records, which
 * carry the same {@code series} and {@code events} arrays).
 *
 * <p>A streaming parser, so a 1 MiB body is read once with no tree. A body that is not JSON or not the
 * documented shape throws {@link PayloadException}; a bad series, point or event is refused by index with a
 * reason, and everything else in the same request is kept.
 */
public final class Payloads {
    static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // so NaN/Infinity are refused by index, not as bad JSON
            .build();

    private final IngestLimits limits;
    private final Clock clock;
    private final Supplier<String> eventIds;

    public Payloads(IngestLimits limits, Clock clock, Supplier<String> eventIds) {
        this.limits = limits;
        this.clock = clock;
        this.eventIds = eventIds;
    }

    public IngestLimits limits() {
        return limits;
    }

    /** Reads {@code {"series": [...]}}. */
    public ParsedMetrics parseMetrics(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            return readRoot(p, "series", () -> readSeriesArray(p));
        } catch (IOException e) {
            throw invalidJson(e);
        }
    }

    /** Reads {@code {"events": [...]}}. */
    public ParsedEvents parseEvents(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            return readRoot(p, "events", () -> readEventsArray(p));
        } catch (IOException e) {
            throw invalidJson(e);
        }
    }

    private interface Body<T> {
        T read() throws IOException;
    }

    private <T> T readRoot(JsonParser p, String arrayField, Body<T> body) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new PayloadException("", "the body must be a JSON object with a \"" + arrayField + "\" array");
        }
        T result = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (arrayField.equals(name)) {
                if (t != JsonToken.START_ARRAY) {
                    throw new PayloadException(arrayField, "must be an array");
                }
                result = body.read();
            } else {
                p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw new PayloadException("", "unexpected content after the JSON object");
        }
        if (result == null) {
            throw new PayloadException(arrayField, "is required");
        }
        return result;
    }

    /** Reads the elements of a {@code series} array; the parser is on its START_ARRAY. */
    ParsedMetrics readSeriesArray(JsonParser p) throws IOException {
        List<Series> kept = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        int acceptedPoints = 0;
        long now = clock.millis();
        long minTs = now - limits.maxPast().toMillis();
        long maxTs = now + limits.maxFuture().toMillis();
        int index = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
            if (t == null) {
                throw new PayloadException("series", "unexpected end of input");
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                rejected.add(Rejection.series(index, "a series must be a JSON object"));
                continue;
            }
            SeriesReader r = new SeriesReader(index, minTs, maxTs);
            r.read(p);
            String problem = r.seriesProblem();
            if (problem != null) {
                rejected.add(Rejection.series(index, problem));
                continue;
            }
            rejected.addAll(r.pointRejections);
            if (r.count > 0) {
                kept.add(new Series(r.metric, r.type, Tags.of(r.tags),
                        Arrays.copyOf(r.ts, r.count), Arrays.copyOf(r.vs, r.count)));
                acceptedPoints += r.count;
            }
        }
        return new ParsedMetrics(kept, acceptedPoints, rejected);
    }

    private final class SeriesReader {
        final int index;
        final long minTs;
        final long maxTs;
        String metric;
        String typeName;
        MetricType type;
        Map<String, String> tags = Map.of();
        String shapeProblem;
        boolean sawPoints;
        long[] ts = new long[8];
        double[] vs = new double[8];
        int count;
        final List<Rejection> pointRejections = new ArrayList<>(0);

        SeriesReader(int index, long minTs, long maxTs) {
            this.index = index;
            this.minTs = minTs;
            this.maxTs = maxTs;
        }

        void read(JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "metric" -> metric = stringOrProblem(p, t, "metric");
                    case "type" -> typeName = stringOrProblem(p, t, "type");
                    case "tags" -> readTags(p, t);
                    case "points" -> readPoints(p, t);
                    default -> p.skipChildren();
                }
            }
        }

        private String stringOrProblem(JsonParser p, JsonToken t, String field) throws IOException {
            if (t == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            p.skipChildren();
            shapeProblem(field + " must be a string");
            return null;
        }

        private void shapeProblem(String s) {
            if (shapeProblem == null) {
                shapeProblem = s;
            }
        }

        private void readTags(JsonParser p, JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_NULL) {
                return;
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                shapeProblem("tags must be an object of string values");
                return;
            }
            Map<String, String> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_STRING) {
                    m.put(key, p.getText());
                } else {
                    p.skipChildren();
                    shapeProblem("tag \"" + clip(key) + "\" must have a string value");
                }
            }
            tags = m;
        }

        private void readPoints(JsonParser p, JsonToken t) throws IOException {
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                shapeProblem("points must be an array of [timestamp, value] pairs");
                return;
            }
            sawPoints = true;
            int j = 0;
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken(), j++) {
                if (e == null) {
                    throw new PayloadException("series/" + index + "/points", "unexpected end of input");
                }
                if (e != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    pointRejections.add(Rejection.point(index, j, "a point must be [timestamp, value]"));
                    continue;
                }
                readPoint(p, j);
            }
        }

        private void readPoint(JsonParser p, int j) throws IOException {
            JsonToken a = p.nextToken();
            String problem = null;
            long time = 0;
            double value = 0;
            if (a == JsonToken.VALUE_NUMBER_INT) {
                try {
                    time = p.getLongValue();
                } catch (InputCoercionException ex) {
                    problem = "timestamp is out of range; timestamps are epoch milliseconds";
                }
            } else if (a == JsonToken.VALUE_NUMBER_FLOAT) {
                problem = "timestamp must be a whole number of epoch milliseconds";
            } else if (a == JsonToken.END_ARRAY) {
                pointRejections.add(Rejection.point(index, j, "a point must be [timestamp, value]; it is empty"));
                return;
            } else {
                problem = "a point must be [timestamp, value] with a numeric timestamp";
                p.skipChildren();
            }
            JsonToken b = p.nextToken();
            if (problem == null) {
                if (b == JsonToken.VALUE_NUMBER_INT || b == JsonToken.VALUE_NUMBER_FLOAT) {
                    value = p.getDoubleValue();
                    if (!Double.isFinite(value)) {
                        problem = "value must be a finite number, got " + p.getText();
                    }
                } else {
                    problem = b == JsonToken.END_ARRAY ? "a point must be [timestamp, value]; the value is missing"
                            : "value must be a finite number";
                }
            }
            if (b == JsonToken.START_ARRAY || b == JsonToken.START_OBJECT) {
                p.skipChildren();
            }
            if (b != JsonToken.END_ARRAY) {
                // Consume anything after the pair up to the closing bracket.
                boolean extra = false;
                for (JsonToken x = p.nextToken(); x != JsonToken.END_ARRAY; x = p.nextToken()) {
                    if (x == null) {
                        throw new PayloadException("series/" + index + "/points/" + j, "unexpected end of input");
                    }
                    p.skipChildren();
                    extra = true;
                }
                if (extra && problem == null) {
                    problem = "a point must be [timestamp, value]; it has more than two elements";
                }
            }
            if (problem == null) {
                problem = timeProblem(time);
            }
            if (problem != null) {
                pointRejections.add(Rejection.point(index, j, problem));
                return;
            }
            if (count == ts.length) {
                ts = Arrays.copyOf(ts, count * 2);
                vs = Arrays.copyOf(vs, count * 2);
            }
            ts[count] = time;
            vs[count] = value;
            count++;
        }

        private String timeProblem(long time) {
            if (time < minTs) {
                String hint = time > Long.MIN_VALUE / 1000 && inRange(time * 1000)
                        ? "; this looks like epoch seconds: multiply by 1000" : "";
                return "timestamp " + time + " is more than " + limits.maxPast().toDays()
                        + " days in the past (timestamps are epoch milliseconds" + hint + ")";
            }
            if (time > maxTs) {
                String hint = inRange(time / 1000) ? "; this looks like epoch microseconds: divide by 1000"
                        : inRange(time / 1_000_000) ? "; this looks like epoch nanoseconds: divide by 1000000" : "";
                return "timestamp " + time + " is more than " + limits.maxFuture().toMinutes()
                        + " minutes in the future (timestamps are epoch milliseconds" + hint + ")";
            }
            return null;
        }

        private boolean inRange(long millis) {
            return millis >= minTs && millis <= maxTs;
        }

        /** The reason the whole series is refused, or null. */
        String seriesProblem() {
            if (shapeProblem != null) {
                return shapeProblem;
            }
            if (metric == null) {
                return "metric is required";
            }
            if (!Names.isValidName(metric, limits.maxMetricNameLength())) {
                return "metric \"" + clip(metric) + "\" is not a valid name: 1-" + limits.maxMetricNameLength()
                        + " characters of letters, digits and _ . - / :, starting with a letter or _";
            }
            if (typeName == null) {
                return "type is required (gauge, counter or distribution)";
            }
            type = MetricType.fromWire(typeName).orElse(null);
            if (type == null) {
                return "type \"" + clip(typeName) + "\" is unknown; use gauge, counter or distribution";
            }
            String tagProblem = tagsProblem(tags);
            if (tagProblem != null) {
                return tagProblem;
            }
            if (!sawPoints) {
                return "points is required";
            }
            if (count == 0 && pointRejections.isEmpty()) {
                return "points is empty";
            }
            return null;
        }
    }

    String tagsProblem(Map<String, String> tags) {
        if (tags.size() > limits.maxTags()) {
            return "too many tags: " + tags.size() + " (at most " + limits.maxTags() + ")";
        }
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (!Names.isValidName(e.getKey(), limits.maxTagKeyLength())) {
                return "tag key \"" + clip(e.getKey()) + "\" is not valid: 1-" + limits.maxTagKeyLength()
                        + " characters of letters, digits and _ . - / :, starting with a letter or _";
            }
            if (!Names.isValidValue(e.getValue(), limits.maxTagValueLength())) {
                return "tag \"" + clip(e.getKey()) + "\" has an invalid value: 1-" + limits.maxTagValueLength()
                        + " characters without control characters";
            }
        }
        return null;
    }

    /** Reads the elements of an {@code events} array; the parser is on its START_ARRAY. */
    ParsedEvents readEventsArray(JsonParser p) throws IOException {
        List<Event> kept = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        long now = clock.millis();
        long minTs = now - limits.maxPast().toMillis();
        long maxTs = now + limits.maxFuture().toMillis();
        int index = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
            if (t == null) {
                throw new PayloadException("events", "unexpected end of input");
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                rejected.add(Rejection.event(index, "an event must be a JSON object"));
                continue;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            String problem = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "id", "title", "kind", "text", "source", "link" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            fields.put(name, p.getText());
                        } else if (v != JsonToken.VALUE_NULL) {
                            p.skipChildren();
                            problem = problem != null ? problem : name + " must be a string";
                        }
                    }
                    case "time" -> {
                        if (v == JsonToken.VALUE_NUMBER_INT) {
                            try {
                                fields.put(name, p.getLongValue());
                            } catch (InputCoercionException ex) {
                                // Beyond a long: refuse this event, not the whole request.
                                problem = problem != null ? problem
                                        : "time is out of range; use epoch milliseconds or an RFC 3339 timestamp";
                            }
                        } else if (v == JsonToken.VALUE_STRING) {
                            try {
                                fields.put(name, Instant.parse(p.getText()).toEpochMilli());
                            } catch (DateTimeParseException ex) {
                                problem = problem != null ? problem
                                        : "time must be epoch milliseconds or an RFC 3339 timestamp";
                            }
                        } else if (v != JsonToken.VALUE_NULL) {
                            p.skipChildren();
                            problem = problem != null ? problem
                                    : "time must be epoch milliseconds or an RFC 3339 timestamp";
                        }
                    }
                    case "tags" -> {
                        if (v == JsonToken.START_OBJECT) {
                            Map<String, String> m = new LinkedHashMap<>();
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String key = p.currentName();
                                if (p.nextToken() == JsonToken.VALUE_STRING) {
                                    m.put(key, p.getText());
                                } else {
                                    p.skipChildren();
                                    problem = problem != null ? problem
                                            : "tag \"" + clip(key) + "\" must have a string value";
                                }
                            }
                            fields.put(name, m);
                        } else if (v != JsonToken.VALUE_NULL) {
                            p.skipChildren();
                            problem = problem != null ? problem : "tags must be an object of string values";
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (problem == null) {
                problem = eventProblem(fields, minTs, maxTs);
            }
            if (problem != null) {
                rejected.add(Rejection.event(index, problem));
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, String> tags = (Map<String, String>) fields.getOrDefault("tags", Map.of());
            String id = (String) fields.get("id");
            kept.add(new Event(id != null ? id : eventIds.get(), (String) fields.get("title"),
                    (String) fields.get("kind"), (Long) fields.getOrDefault("time", now), Tags.of(tags),
                    (String) fields.get("text"), (String) fields.get("source"), (String) fields.get("link")));
        }
        return new ParsedEvents(kept, rejected);
    }

    private String eventProblem(Map<String, Object> f, long minTs, long maxTs) {
        String title = (String) f.get("title");
        if (title == null || title.isBlank()) {
            return "title is required";
        }
        if (!Names.isValidValue(title, limits.maxEventTitleLength())) {
            return "title must be 1-" + limits.maxEventTitleLength() + " characters without control characters";
        }
        String kind = (String) f.get("kind");
        if (kind == null) {
            return "kind is required (deploy, change, incident, note, or your own lower-case word)";
        }
        if (!isValidKind(kind)) {
            return "kind \"" + clip(kind) + "\" is not valid: 1-50 characters of a-z, 0-9, _ and -, starting "
                    + "with a letter";
        }
        Long time = (Long) f.get("time");
        if (time != null && time < minTs) {
            return "time " + time + " is more than " + limits.maxPast().toDays() + " days in the past";
        }
        if (time != null && time > maxTs) {
            return "time " + time + " is more than " + limits.maxFuture().toMinutes() + " minutes in the future";
        }
        String id = (String) f.get("id");
        if (id != null && !isValidId(id)) {
            return "id must be 1-100 characters of letters, digits and _ . - :";
        }
        String text = (String) f.get("text");
        if (text != null && text.length() > limits.maxEventTextLength()) {
            return "text is longer than " + limits.maxEventTextLength() + " characters";
        }
        String source = (String) f.get("source");
        if (source != null && !Names.isValidValue(source, limits.maxEventFieldLength())) {
            return "source must be 1-" + limits.maxEventFieldLength() + " characters without control characters";
        }
        String link = (String) f.get("link");
        if (link != null && !isHttpUrl(link)) {
            return "link must be an absolute http or https URL of at most " + limits.maxEventFieldLength()
                    + " characters";
        }
        @SuppressWarnings("unchecked")
        Map<String, String> tags = (Map<String, String>) f.getOrDefault("tags", Map.of());
        return tagsProblem(tags);
    }

    private boolean isHttpUrl(String s) {
        if (s.length() > limits.maxEventFieldLength()) {
            return false;
        }
        try {
            URI u = new URI(s);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    /** Event ids: 1-100 characters of letters, digits and {@code _ . - :} (UUIDs qualify). */
    static boolean isValidId(String id) {
        if (id.isEmpty() || id.length() > 100) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '.' || c == '-' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidKind(String kind) {
        int n = kind.length();
        if (n == 0 || n > 50 || kind.charAt(0) < 'a' || kind.charAt(0) > 'z') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = kind.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    static PayloadException invalidJson(IOException e) {
        if (e instanceof JsonProcessingException j) {
            var loc = j.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            return new PayloadException("", "the body is not valid JSON: " + j.getOriginalMessage() + where);
        }
        throw new UncheckedIOException(e);
    }
}
