package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Port: asks for a notifier run at a later time, so a group whose wait ends between two scheduled ticks is flushed
 * when it is due rather than at the next tick. AWS: a delayed message on the notifier's own queue
 * ({@code SqsWakeups}); local-dev: a task on the notifier's executor ({@link ExecutorWakeups}).
 *
 * <p>A wake-up only makes the notifier look ({@link NotificationService#tick}): one that finds nothing due does
 * nothing, and one delivered twice sends nothing twice (the delivery log's claim). The scheduled tick stays the
 * fallback for a wake-up that is lost, and it asks for the wake-up of work due further ahead than a run reaches
 * ({@link NotificationService#WAKE_HORIZON_MILLIS}) once that work comes within reach.
 *
 * <p>The message format (api-spec/alert-transition-format.md, "Wake-ups"): message attribute {@value #ATTRIBUTE}
 * = {@value #KIND}, body {@code {"kind":"wake","dueAt":<epoch ms>}}.
 */
public interface Wakeups {
    /** The furthest ahead a wake-up can be: SQS's largest message delay, 15 minutes (the notifier asks less far). */
    long MAX_DELAY_MILLIS = 900_000;
    /** The message attribute naming a message's kind on the notifier's queue (transitions carry none). */
    String ATTRIBUTE = "longwatch-kind";
    String KIND = "wake";

    Wakeups NONE = (dueAt, now) -> {
    };

    /** Asks for a notifier run at {@code dueAt} (at most {@link #MAX_DELAY_MILLIS} after {@code now}). */
    void wakeAt(long dueAt, long now);

    /** The body of a wake-up message. */
    static String body(long dueAt) {
        ObjectNode o = Json.object();
        o.put("kind", KIND);
        o.put("dueAt", dueAt);
        return o.toString();
    }

    /** Whether a queue message is a wake-up: its attribute says so, or its body is a JSON object of kind "wake". */
    static boolean isWake(String attribute, String body) {
        if (KIND.equals(attribute)) {
            return true;
        }
        if (body == null || !body.contains("\"" + KIND + "\"")) {
            return false; // a transition (format v1) never has a "kind"; skip parsing the common case
        }
        try {
            JsonNode o = Json.MAPPER.readTree(body);
            return o != null && o.isObject() && KIND.equals(o.path("kind").asText(null));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
