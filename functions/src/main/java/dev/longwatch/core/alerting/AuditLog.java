package dev.longwatch.core.alerting;

import java.util.List;

/** Port: who changed what, when (DynamoDB {@code alerting} table). Entries are never updated. */
public interface AuditLog {

    /**
     * One change: {@code action} such as {@code monitor.create}, the object's {@code target} id, and its JSON
     * before and after (null where there is none).
     */
    record Entry(long at, String who, String action, String target, String before, String after) {
    }

    void record(String tenant, Entry entry);

    /** The tenant's entries with {@code at} in [from, to), newest first, at most {@code limit}. */
    List<Entry> list(String tenant, long from, long to, int limit);
}
