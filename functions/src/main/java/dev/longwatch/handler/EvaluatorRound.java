package dev.longwatch.handler;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * One evaluation round: a shard of the monitors and the minute to evaluate, {@code {"shard": 0, "shardCount": 4,
 * "time": "2026-11-22T10:05:00Z"}}, as EventBridge Scheduler writes it (on AWS, onto the queue of evaluator rounds)
 * and local-dev passes it. {@code scheduledTime} is read where {@code time} is missing (the name
 * {@code FunctionSchedule} uses for the same value).
 */
record EvaluatorRound(int shard, int shardCount, long time) {

    /** @param now the time to evaluate when the input names none; {@code null}: the input must name it */
    static EvaluatorRound of(Map<String, ?> in, Long now) {
        int shard = integer(in, "shard", 0);
        int shardCount = integer(in, "shardCount", 1);
        Object t = in.get("time") != null ? in.get("time") : in.get("scheduledTime");
        if (t == null) {
            if (now == null) {
                throw new IllegalArgumentException("the round names no time (\"time\": RFC 3339)");
            }
            return new EvaluatorRound(shard, shardCount, now);
        }
        try {
            return new EvaluatorRound(shard, shardCount, OffsetDateTime.parse(t.toString()).toInstant().toEpochMilli());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the input's time must be RFC 3339, got \"" + t + "\"");
        }
    }

    private static int integer(Map<String, ?> in, String key, int dflt) {
        Object v = in.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the input's " + key + " must be a whole number, got \"" + v + "\"");
        }
    }
}
