package dev.longwatch.core.alerting;

import java.util.List;

/** Port: who changed what, when (DynamoDB {@code alerting} table). Entries are never updated. */
public interface AuditLog {

    /**
     * One change: {@code action} such as {@code monitor.create} or {@code route.update} ({@code <kind>.<verb>}), the
     * object's {@code target} id, its JSON before and after (null where there is none), and a one-line
     * {@code summary} of what changed (null where the entry has none). Nothing in an entry may carry a secret.
     */
    record Entry(long at, String who, String action, String target, String before, String after, String summary) {
        public Entry(long at, String who, String action, String target, String before, String after) {
            this(at, who, action, target, before, after, null);
        }

        /** The kind of object the entry is about: what {@link #action} names before its last dot. */
        public String kind() {
            return kindOf(action);
        }
    }

    /** Kinds of audited objects: monitors and alerts, and the notification configuration. */
    List<String> KINDS = List.of("monitor", "alert", "channel", "route", "silence",
            "maintenance-window", "inhibition");

    static String kindOf(String action) {
        int dot = action.lastIndexOf('.');
        return dot < 0 ? action : action.substring(0, dot);
    }

    void record(String tenant, Entry entry);

    /** The tenant's entries with {@code at} in [from, to), newest first, at most {@code limit}. */
    List<Entry> list(String tenant, long from, long to, int limit);
}
