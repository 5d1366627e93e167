package dev.longwatch.core.notify;

import java.util.List;
import java.util.Optional;

/**
 * Port: the notification state in the {@code notifications} table. Every key starts with the tenant. Documents
 * (channels, routes, silences, maintenance windows, inhibition rules) are stored as JSON; groups use optimistic versions; the
 * delivery log and the other once-only markers are conditional puts ({@code attribute_not_exists}).
 */
public interface NotifyStore {

    enum Kind { CHANNEL, ROUTE, SILENCE, WINDOW, SETTING, INHIBITION }

    void putDoc(String tenant, Kind kind, String id, String json, Long expiresAtMillis);

    Optional<String> getDoc(String tenant, Kind kind, String id);

    List<String> listDocs(String tenant, Kind kind);

    boolean deleteDoc(String tenant, Kind kind, String id);

    /** Deletes the document and returns what it was; empty when there was none (of two racing deletes, one sees it). */
    Optional<String> removeDoc(String tenant, Kind kind, String id);

    /**
     * Replaces the document only if it is still exactly {@code expected} (what the caller read); false when it changed
     * or is gone meanwhile, so a read-modify-write knows what it replaced.
     */
    boolean replaceDoc(String tenant, Kind kind, String id, String expected, String json, Long expiresAtMillis);

    /** Stores the document only if none has this id yet; false when one exists. */
    boolean createDoc(String tenant, Kind kind, String id, String json);

    /** A group's state; {@code nextAt} is when the notifier must look at it again (null: only on news). */
    record GroupItem(String tenant, String id, String json, long version, Long nextAt) {
    }

    Optional<GroupItem> getGroup(String tenant, String id);

    List<GroupItem> listGroups(String tenant);

    /** Writes {@code item} if the stored version is {@code item.version() - 1} (or absent for version 1). */
    boolean putGroup(GroupItem item);

    boolean deleteGroup(String tenant, String id, long version);

    /** Work that is due: groups to flush and deliveries to retry, across tenants. */
    record Due(String tenant, String type, String id) {
    }

    List<Due> due(long now);

    /** The earliest time after {@code now} that work is due (a group, a delivery retry), across tenants; empty: none. */
    Optional<Long> nextDue(long now);

    /** True the first time a marker (a transition id, a Slack request signature) is seen. */
    boolean firstSeen(String tenant, String scope, String id, long expiresAtMillis);

    /** Creates the delivery record if none has its id: the delivery log's once-only claim. */
    boolean claimDelivery(Delivery d);

    void saveDelivery(Delivery d);

    Optional<Delivery> getDelivery(String tenant, String id);

    /** Newest first; {@code status} null for all; {@code after} the last id of the previous page or null. */
    List<Delivery> listDeliveries(String tenant, String status, int limit, String after);

    /** Counts one message against a channel's budget for the minute; false when the budget is spent. */
    boolean takeRate(String tenant, String channelId, long minute, int limit);
}
