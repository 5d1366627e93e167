package dev.longwatch.testing;

import dev.longwatch.core.notify.Delivery;
import dev.longwatch.core.notify.NotifyStore;

import java.util.List;
import java.util.Optional;

/** A real notification store seen through a wrapper: tests override a method to step into the middle of a change. */
public class ForwardingNotifyStore implements NotifyStore {
    protected final NotifyStore delegate;

    public ForwardingNotifyStore(NotifyStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void putDoc(String tenant, Kind kind, String id, String json, Long expiresAtMillis) {
        delegate.putDoc(tenant, kind, id, json, expiresAtMillis);
    }

    @Override
    public Optional<String> getDoc(String tenant, Kind kind, String id) {
        return delegate.getDoc(tenant, kind, id);
    }

    @Override
    public List<String> listDocs(String tenant, Kind kind) {
        return delegate.listDocs(tenant, kind);
    }

    @Override
    public boolean deleteDoc(String tenant, Kind kind, String id) {
        return delegate.deleteDoc(tenant, kind, id);
    }

    @Override
    public Optional<String> removeDoc(String tenant, Kind kind, String id) {
        return delegate.removeDoc(tenant, kind, id);
    }

    @Override
    public boolean replaceDoc(String tenant, Kind kind, String id, String expected, String json, Long expiresAtMillis) {
        return delegate.replaceDoc(tenant, kind, id, expected, json, expiresAtMillis);
    }

    @Override
    public boolean createDoc(String tenant, Kind kind, String id, String json) {
        return delegate.createDoc(tenant, kind, id, json);
    }

    @Override
    public Optional<GroupItem> getGroup(String tenant, String id) {
        return delegate.getGroup(tenant, id);
    }

    @Override
    public List<GroupItem> listGroups(String tenant) {
        return delegate.listGroups(tenant);
    }

    @Override
    public boolean putGroup(GroupItem item) {
        return delegate.putGroup(item);
    }

    @Override
    public boolean deleteGroup(String tenant, String id, long version) {
        return delegate.deleteGroup(tenant, id, version);
    }

    @Override
    public List<Due> due(long now) {
        return delegate.due(now);
    }

    @Override
    public Optional<Long> nextDue(long now) {
        return delegate.nextDue(now);
    }

    @Override
    public boolean firstSeen(String tenant, String scope, String id, long expiresAtMillis) {
        return delegate.firstSeen(tenant, scope, id, expiresAtMillis);
    }

    @Override
    public boolean claimDelivery(Delivery d) {
        return delegate.claimDelivery(d);
    }

    @Override
    public void saveDelivery(Delivery d) {
        delegate.saveDelivery(d);
    }

    @Override
    public Optional<Delivery> getDelivery(String tenant, String id) {
        return delegate.getDelivery(tenant, id);
    }

    @Override
    public List<Delivery> listDeliveries(String tenant, String status, int limit, String after) {
        return delegate.listDeliveries(tenant, status, limit, after);
    }

    @Override
    public boolean takeRate(String tenant, String channelId, long minute, int limit) {
        return delegate.takeRate(tenant, channelId, minute, limit);
    }
}
