package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.core.alerting.AuditLog;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.mute.InhibitionRule;
import dev.longwatch.core.notify.mute.MaintenanceWindow;
import dev.longwatch.core.notify.mute.Silence;
import dev.longwatch.core.notify.route.Route;
import dev.longwatch.model.PayloadException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * Changes to a tenant's notification configuration — channels, routes, silences, maintenance windows and inhibition
 * rules: validated, stored as documents, and each change written to the audit log with {@code who} made it (the API
 * key's or console user's subject, or the chat user). A change is audited once: updates and expiries are conditional
 * on the document read, a change that changes nothing is neither written nor audited, and a delete is audited by the
 * one call that found the document (a retried DELETE finds nothing and adds nothing). A silence is never deleted
 * early: expiring it sets its end to now, so the record (author, matchers) stays; it is dropped by TTL 30 days after
 * it ends.
 */
public final class NotificationConfig {
    public static final int MAX_ROUTES = 100, MAX_SILENCES = 1000, MAX_WINDOWS = 100, MAX_INHIBITIONS = 100;
    static final long SILENCE_KEEP_MILLIS = 30L * 86_400_000;
    /** Conditional writes tried before a change that keeps losing to others gives up. */
    static final int MAX_ATTEMPTS = 5;
    private final NotifyStore store;
    private final ChannelService channels;
    private final ConfigAudit audit;
    private final Clock clock;
    private final Supplier<String> ids;

    public NotificationConfig(NotifyStore store, ChannelService channels, AuditLog audit, Clock clock,
                              Supplier<String> ids) {
        this.store = store;
        this.channels = channels;
        this.audit = new ConfigAudit(audit, clock);
        this.clock = clock;
        this.ids = ids;
    }

    // channels (reads and deliveries go through ChannelService; changes come here to be audited)

    public Channel createChannel(String tenant, String who, String body) {
        Channel c = channels.create(tenant, body);
        audit.created(tenant, who, ConfigAudit.CHANNEL, c.id(), ChannelService.toJson(c));
        return c;
    }

    public Optional<Channel> updateChannel(String tenant, String who, String id, String body) {
        Optional<ChannelService.Update> u = channels.change(tenant, id, body);
        u.filter(ChannelService.Update::changed).ifPresent(x -> audit.updated(tenant, who, ConfigAudit.CHANNEL, id,
                ChannelService.toJson(x.before()), ChannelService.toJson(x.after()),
                x.secretsReplaced().stream().map(f -> "secret " + f + " replaced").toList()));
        return u.map(ChannelService.Update::after);
    }

    public boolean deleteChannel(String tenant, String who, String id) {
        Optional<ObjectNode> gone = channels.remove(tenant, id);
        gone.ifPresent(v -> audit.deleted(tenant, who, ConfigAudit.CHANNEL, id, v));
        return gone.isPresent();
    }

    // routes

    public Route createRoute(String tenant, String who, String body) {
        limit(tenant, NotifyStore.Kind.ROUTE, MAX_ROUTES, "routes");
        Route r = Route.fromJson("rt_" + ids.get(), Json.parse(body), clock.millis());
        checkChannels(tenant, r.channels());
        store.putDoc(tenant, NotifyStore.Kind.ROUTE, r.id(), r.toStored(), null);
        audit.created(tenant, who, ConfigAudit.ROUTE, r.id(), r.toJson());
        return r;
    }

    public Optional<Route> updateRoute(String tenant, String who, String id, String body) {
        JsonNode o = Json.parse(body);
        return change(tenant, who, ConfigAudit.ROUTE, NotifyStore.Kind.ROUTE, id, j -> Route.fromStored(Json.parse(j)),
                old -> {
                    Route r = Route.fromJson(id, o, old.createdAt());
                    checkChannels(tenant, r.channels());
                    return r;
                }, Route::toStored, r -> null, Route::toJson);
    }

    public Optional<Route> route(String tenant, String id) {
        return store.getDoc(tenant, NotifyStore.Kind.ROUTE, id).map(j -> Route.fromStored(Json.parse(j)));
    }

    public List<Route> routes(String tenant) {
        List<Route> out = new ArrayList<>();
        store.listDocs(tenant, NotifyStore.Kind.ROUTE).forEach(j -> out.add(Route.fromStored(Json.parse(j))));
        out.sort(Comparator.comparingInt(Route::order).thenComparing(Route::id));
        return out;
    }

    public boolean deleteRoute(String tenant, String who, String id) {
        return remove(tenant, who, ConfigAudit.ROUTE, NotifyStore.Kind.ROUTE, id,
                j -> Route.fromStored(Json.parse(j)).toJson());
    }

    private void checkChannels(String tenant, List<String> ids) {
        for (int i = 0; i < ids.size(); i++) {
            if (store.getDoc(tenant, NotifyStore.Kind.CHANNEL, ids.get(i)).isEmpty()) {
                throw new PayloadException("channels[" + i + "]", "no channel " + ids.get(i) + " exists");
            }
        }
    }

    // silences

    public Silence createSilence(String tenant, String who, String body) {
        return createSilence(tenant, who, Json.parse(body));
    }

    /** {@code who} is audited; the body's {@code createdBy} is what the silence shows (chat sets both the same). */
    public Silence createSilence(String tenant, String who, JsonNode body) {
        limit(tenant, NotifyStore.Kind.SILENCE, MAX_SILENCES, "silences");
        long now = clock.millis();
        Silence s = Silence.fromJson("sil_" + ids.get(), body, now);
        store.putDoc(tenant, NotifyStore.Kind.SILENCE, s.id(), s.toStored(), s.endsAt() + SILENCE_KEEP_MILLIS);
        audit.created(tenant, who, ConfigAudit.SILENCE, s.id(), s.toJson(now));
        return s;
    }

    public Optional<Silence> silence(String tenant, String id) {
        return store.getDoc(tenant, NotifyStore.Kind.SILENCE, id).map(j -> Silence.fromStored(Json.parse(j)));
    }

    public List<Silence> silences(String tenant) {
        List<Silence> out = new ArrayList<>();
        store.listDocs(tenant, NotifyStore.Kind.SILENCE).forEach(j -> out.add(Silence.fromStored(Json.parse(j))));
        out.sort(Comparator.comparingLong(Silence::endsAt).reversed());
        return out;
    }

    /**
     * Ends a silence now (kept for the record); empty when there is none. Expiring one that has already ended changes
     * nothing and is not audited again.
     */
    public Optional<Silence> expireSilence(String tenant, String who, String id) {
        for (int attempt = 1; ; attempt++) {
            Optional<String> raw = store.getDoc(tenant, NotifyStore.Kind.SILENCE, id);
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            long now = clock.millis();
            Silence old = Silence.fromStored(Json.parse(raw.get()));
            if (old.endsAt() <= now) {
                return Optional.of(old);
            }
            Silence ended = new Silence(old.id(), old.matchers(), Math.min(old.startsAt(), now), now, old.createdBy(),
                    old.comment(), old.createdAt());
            if (store.replaceDoc(tenant, NotifyStore.Kind.SILENCE, id, raw.get(), ended.toStored(),
                    ended.endsAt() + SILENCE_KEEP_MILLIS)) {
                audit.expired(tenant, who, id, old.toJson(now), ended.toJson(now));
                return Optional.of(ended);
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new IllegalStateException("silence " + id + " kept changing while it was expired");
            }
        }
    }

    // audited read-modify-write and delete of one document

    /**
     * Replaces a document with {@code next(old)}, conditional on the stored text read, and audits what it replaced;
     * a result equal to what is stored is neither written nor audited (a retried PUT adds no entry). Empty when there
     * is no such document.
     */
    private <T> Optional<T> change(String tenant, String who, String kind, NotifyStore.Kind storeKind, String id,
                                   Function<String, T> read, UnaryOperator<T> next, Function<T, String> stored,
                                   Function<T, Long> expiresAt, Function<T, ObjectNode> view) {
        for (int attempt = 1; ; attempt++) {
            Optional<String> raw = store.getDoc(tenant, storeKind, id);
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            T old = read.apply(raw.get());
            T updated = next.apply(old);
            String json = stored.apply(updated);
            if (json.equals(stored.apply(old))) {
                return Optional.of(old);
            }
            if (store.replaceDoc(tenant, storeKind, id, raw.get(), json, expiresAt.apply(updated))) {
                audit.updated(tenant, who, kind, id, view.apply(old), view.apply(updated), List.of());
                return Optional.of(updated);
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new IllegalStateException(kind + " " + id + " kept changing while it was updated");
            }
        }
    }

    /** Deletes a document and audits it, once: only the call that found it (a repeated DELETE finds nothing). */
    private boolean remove(String tenant, String who, String kind, NotifyStore.Kind storeKind, String id,
                           Function<String, ObjectNode> view) {
        Optional<String> gone = store.removeDoc(tenant, storeKind, id);
        gone.ifPresent(j -> audit.deleted(tenant, who, kind, id, view.apply(j)));
        return gone.isPresent();
    }

    // maintenance windows and inhibition rules: plain documents of the tenant

    /** How one kind of plain document is read from a request and from storage. */
    private record DocType<T>(NotifyStore.Kind kind, String auditKind, String idPrefix, int max, String what,
                              FromJson<T> fromJson, Function<JsonNode, T> fromStored, Function<T, String> id,
                              ToLongFunction<T> createdAt, Function<T, String> stored, Function<T, ObjectNode> view) {
    }

    private interface FromJson<T> {
        T parse(String id, JsonNode body, long createdAt);
    }

    // A window's view leaves out activeNow: the audit records the configuration, not the moment.
    private static final DocType<MaintenanceWindow> WINDOWS = new DocType<>(NotifyStore.Kind.WINDOW,
            ConfigAudit.WINDOW, "mw_", MAX_WINDOWS, "maintenance windows", MaintenanceWindow::fromJson,
            MaintenanceWindow::fromStored, MaintenanceWindow::id, MaintenanceWindow::createdAt,
            MaintenanceWindow::toStored, w -> {
                ObjectNode o = w.toJson(w.createdAt());
                o.remove("activeNow");
                return o;
            });
    private static final DocType<InhibitionRule> INHIBITIONS = new DocType<>(NotifyStore.Kind.INHIBITION,
            ConfigAudit.INHIBITION, "inh_", MAX_INHIBITIONS, "inhibition rules", InhibitionRule::fromJson,
            InhibitionRule::fromStored, InhibitionRule::id, InhibitionRule::createdAt, InhibitionRule::toStored,
            InhibitionRule::toJson);

    private <T> T createDoc(String tenant, String who, DocType<T> type, String body) {
        limit(tenant, type.kind(), type.max(), type.what());
        T doc = type.fromJson().parse(type.idPrefix() + ids.get(), Json.parse(body), clock.millis());
        String id = type.id().apply(doc);
        store.putDoc(tenant, type.kind(), id, type.stored().apply(doc), null);
        audit.created(tenant, who, type.auditKind(), id, type.view().apply(doc));
        return doc;
    }

    /** Replaces a document, keeping when it was created; empty when there is none. */
    private <T> Optional<T> updateDoc(String tenant, String who, DocType<T> type, String id, String body) {
        JsonNode o = Json.parse(body);
        return change(tenant, who, type.auditKind(), type.kind(), id, j -> type.fromStored().apply(Json.parse(j)),
                old -> type.fromJson().parse(id, o, type.createdAt().applyAsLong(old)), type.stored(), d -> null,
                type.view());
    }

    private <T> boolean deleteDoc(String tenant, String who, DocType<T> type, String id) {
        return remove(tenant, who, type.auditKind(), type.kind(), id,
                j -> type.view().apply(type.fromStored().apply(Json.parse(j))));
    }

    private <T> Optional<T> doc(String tenant, DocType<T> type, String id) {
        return store.getDoc(tenant, type.kind(), id).map(j -> type.fromStored().apply(Json.parse(j)));
    }

    private <T> List<T> docs(String tenant, DocType<T> type) {
        List<T> out = new ArrayList<>();
        store.listDocs(tenant, type.kind()).forEach(j -> out.add(type.fromStored().apply(Json.parse(j))));
        return out;
    }

    public MaintenanceWindow createWindow(String tenant, String who, String body) {
        return createDoc(tenant, who, WINDOWS, body);
    }

    public Optional<MaintenanceWindow> updateWindow(String tenant, String who, String id, String body) {
        return updateDoc(tenant, who, WINDOWS, id, body);
    }

    public Optional<MaintenanceWindow> window(String tenant, String id) {
        return doc(tenant, WINDOWS, id);
    }

    public List<MaintenanceWindow> windows(String tenant) {
        return docs(tenant, WINDOWS);
    }

    public boolean deleteWindow(String tenant, String who, String id) {
        return deleteDoc(tenant, who, WINDOWS, id);
    }

    public InhibitionRule createInhibition(String tenant, String who, String body) {
        return createDoc(tenant, who, INHIBITIONS, body);
    }

    public Optional<InhibitionRule> updateInhibition(String tenant, String who, String id, String body) {
        return updateDoc(tenant, who, INHIBITIONS, id, body);
    }

    public Optional<InhibitionRule> inhibition(String tenant, String id) {
        return doc(tenant, INHIBITIONS, id);
    }

    /** Oldest first. */
    public List<InhibitionRule> inhibitions(String tenant) {
        List<InhibitionRule> out = docs(tenant, INHIBITIONS);
        out.sort(Comparator.comparingLong(InhibitionRule::createdAt).thenComparing(InhibitionRule::id));
        return out;
    }

    public boolean deleteInhibition(String tenant, String who, String id) {
        return deleteDoc(tenant, who, INHIBITIONS, id);
    }

    private void limit(String tenant, NotifyStore.Kind kind, int max, String what) {
        if (store.listDocs(tenant, kind).size() >= max) {
            throw new PayloadException("", "a tenant has at most " + max + " " + what);
        }
    }
}
