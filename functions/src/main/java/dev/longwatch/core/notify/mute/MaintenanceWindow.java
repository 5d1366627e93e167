package dev.longwatch.core.notify.mute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.notify.Json;
import dev.longwatch.model.PayloadException;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A recurring maintenance window: on the given days, from {@code start} to {@code end} local time in
 * {@code timezone} (an end before the start runs past midnight), alerts matching the matchers are muted.
 * Empty matchers mute every alert of the tenant.
 */
public record MaintenanceWindow(String id, String name, List<String> matchers, String timezone, List<String> days,
                                String start, String end, long createdAt) {

    public static MaintenanceWindow fromJson(String id, JsonNode o, long now) {
        String name = Json.text(o, "name", true, 200);
        List<String> matchers = Json.strings(o, "matchers", Silence.MAX_MATCHERS);
        LabelMatcher.parseAll("matchers", matchers);
        String tz = Json.text(o, "timezone", false, 64);
        if (tz == null) {
            tz = "UTC";
        }
        try {
            ZoneId.of(tz);
        } catch (DateTimeException e) {
            throw new PayloadException("timezone", "\"" + tz + "\" is not a time zone; use an IANA name like "
                    + "Europe/Berlin");
        }
        List<String> days = Json.strings(o, "days", 7);
        if (days.isEmpty()) {
            throw new PayloadException("days", "at least one day is required, e.g. [\"SUN\"]");
        }
        List<String> norm = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            norm.add(day("days[" + i + "]", days.get(i)).name().substring(0, 3));
        }
        String start = Json.text(o, "start", true, 5);
        String end = Json.text(o, "end", true, 5);
        time("start", start);
        time("end", end);
        if (start.equals(end)) {
            throw new PayloadException("end", "must differ from start");
        }
        return new MaintenanceWindow(id, name, matchers, tz, norm, start, end, now);
    }

    private static DayOfWeek day(String field, String s) {
        String u = s.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(u) && u.length() >= 3) {
                return d;
            }
        }
        throw new PayloadException(field, "\"" + s + "\" is not a day; use MON, TUE, WED, THU, FRI, SAT or SUN");
    }

    private static LocalTime time(String field, String s) {
        try {
            return LocalTime.parse(s);
        } catch (DateTimeParseException e) {
            throw new PayloadException(field, "must be a time of day as HH:MM, e.g. 02:00");
        }
    }

    private Set<DayOfWeek> daySet() {
        Set<DayOfWeek> s = EnumSet.noneOf(DayOfWeek.class);
        days.forEach(d -> s.add(day("days", d)));
        return s;
    }

    /** The end (epoch ms) of the occurrence that contains {@code at}, or -1 when {@code at} is outside every one. */
    public long occurrenceEnd(long at) {
        ZoneId zone = ZoneId.of(timezone);
        LocalTime s = LocalTime.parse(start), e = LocalTime.parse(end);
        ZonedDateTime t = Instant.ofEpochMilli(at).atZone(zone);
        Set<DayOfWeek> set = daySet();
        // The occurrence may have begun today or, when it runs past midnight, yesterday.
        for (int back = 0; back <= 1; back++) {
            ZonedDateTime dayStart = t.toLocalDate().minusDays(back).atTime(s).atZone(zone);
            if (!set.contains(dayStart.getDayOfWeek())) {
                continue;
            }
            ZonedDateTime dayEnd = e.isAfter(s) ? dayStart.toLocalDate().atTime(e).atZone(zone)
                    : dayStart.toLocalDate().plusDays(1).atTime(e).atZone(zone);
            if (!t.isBefore(dayStart) && t.isBefore(dayEnd)) {
                return dayEnd.toInstant().toEpochMilli();
            }
        }
        return -1;
    }

    public boolean matches(Map<String, String> labels) {
        return LabelMatcher.all(LabelMatcher.parseAll("matchers", matchers), labels);
    }

    public ObjectNode toJson(long now) {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("name", name);
        Json.putStrings(o, "matchers", matchers);
        o.put("timezone", timezone);
        Json.putStrings(o, "days", days);
        o.put("start", start);
        o.put("end", end);
        o.put("createdAt", Instant.ofEpochMilli(createdAt).toString());
        o.put("activeNow", occurrenceEnd(now) >= 0);
        return o;
    }

    public String toStored() {
        ObjectNode o = toJson(createdAt);
        o.remove("activeNow");
        o.put("createdAt", createdAt);
        return o.toString();
    }

    public static MaintenanceWindow fromStored(JsonNode o) {
        return new MaintenanceWindow(o.get("id").asText(), o.get("name").asText(), Json.strings(o, "matchers", 1000),
                o.get("timezone").asText(), Json.strings(o, "days", 7), o.get("start").asText(), o.get("end").asText(),
                o.path("createdAt").asLong());
    }
}
