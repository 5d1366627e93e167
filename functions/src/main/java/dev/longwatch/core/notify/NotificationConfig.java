package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Routes, silences, maintenance windows and inhibition rules of a tenant: validated, stored as documents. A silence is never
 * deleted early: expiring it sets its end to now, so the record (author, matchers) stays for the audit; it is
 * dropped by TTL 30 days after it ends.
 */
public final class NotificationConfig {
    public static final int MAX_ROUTES = 100, MAX_SILENCES = 1000, MAX_WINDOWS = 100, MAX_INHIBITIONS = 100;
    static final long SILENCE_KEEP_MILLIS = 30L * 86_400_000;
    private final NotifyStore store;
    private final ChannelService channels;
    private final Clock clock;
    private final Supplier<String> ids;

    public NotificationConfig(NotifyStore store, ChannelService channels, Clock clock, Supplier<String> ids) {
        this.store = store;
        this.channels = channels;
        this.clock = clock;
        this.ids = ids;
    }

    // routes

    public Route createRoute(String tenant, String body) {
        limit(tenant, NotifyStore.Kind.ROUTE, MAX_ROUTES, "routes");
        Route r = Route.fromJson("rt_" + ids.get(), Json.parse(body), clock.millis());
        checkChannels(tenant, r.channels());
        store.putDoc(tenant, NotifyStore.Kind.ROUTE, r.id(), r.toStored(), null);
        return r;
    }

    public Optional<Route> updateRoute(String tenant, String id, String body) {
        Optional<Route> old = route(tenant, id);
        if (old.isEmpty()) {
            return old;
        }
        Route r = Route.fromJson(id, Json.parse(body), old.get().createdAt());
        checkChannels(tenant, r.channels());
        store.putDoc(tenant, NotifyStore.Kind.ROUTE, id, r.toStored(), null);
        return Optional.of(r);
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

    public boolean deleteRoute(String tenant, String id) {
        return store.deleteDoc(tenant, NotifyStore.Kind.ROUTE, id);
    }

    private void checkChannels(String tenant, List<String> ids) {
        for (int i = 0; i < ids.size(); i++) {
            if (store.getDoc(tenant, NotifyStore.Kind.CHANNEL, ids.get(i)).isEmpty()) {
                throw new PayloadException("channels[" + i + "]", "no channel " + ids.get(i) + " exists");
            }
        }
    }

    // silences

    public Silence createSilence(String tenant, String body) {
        return createSilence(tenant, Json.parse(body));
    }

    public Silence createSilence(String tenant, JsonNode body) {
        limit(tenant, NotifyStore.Kind.SILENCE, MAX_SILENCES, "silences");
        Silence s = Silence.fromJson("sil_" + ids.get(), body, clock.millis());
        store.putDoc(tenant, NotifyStore.Kind.SILENCE, s.id(), s.toStored(), s.endsAt() + SILENCE_KEEP_MILLIS);
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

    /** Ends a silence now (kept for the record); empty when there is none. */
    public Optional<Silence> expireSilence(String tenant, String id) {
        Optional<Silence> s = silence(tenant, id);
        if (s.isEmpty()) {
            return s;
        }
        long now = clock.millis();
        Silence old = s.get();
        Silence ended = new Silence(old.id(), old.matchers(), Math.min(old.startsAt(), now), Math.min(old.endsAt(), now),
                old.createdBy(), old.comment(), old.createdAt());
        store.putDoc(tenant, NotifyStore.Kind.SILENCE, id, ended.toStored(), ended.endsAt() + SILENCE_KEEP_MILLIS);
        return Optional.of(ended);
    }

    // maintenance windows and inhibition rules: plain documents of the tenant

    /** How one kind of plain document is read from a request and from storage. */
    private record DocType<T>(NotifyStore.Kind kind, String idPrefix, int max, String what, FromJson<T> fromJson,
                              Function<JsonNode, T> fromStored, Function<T, String> id, ToLongFunction<T> createdAt,
                              Function<T, String> stored) {
    }

    private interface FromJson<T> {
        T parse(String id, JsonNode body, long createdAt);
    }

    private static final DocType<MaintenanceWindow> WINDOWS = new DocType<>(NotifyStore.Kind.WINDOW, "mw_",
            MAX_WINDOWS, "maintenance windows", MaintenanceWindow::fromJson, MaintenanceWindow::fromStored,
            MaintenanceWindow::id, MaintenanceWindow::createdAt, MaintenanceWindow::toStored);
    private static final DocType<InhibitionRule> INHIBITIONS = new DocType<>(NotifyStore.Kind.INHIBITION, "inh_",
            MAX_INHIBITIONS, "inhibition rules", InhibitionRule::fromJson, InhibitionRule::fromStored,
            InhibitionRule::id, InhibitionRule::createdAt, InhibitionRule::toStored);

    private <T> T createDoc(String tenant, DocType<T> type, String body) {
        limit(tenant, type.kind(), type.max(), type.what());
        T doc = type.fromJson().parse(type.idPrefix() + ids.get(), Json.parse(body), clock.millis());
        store.putDoc(tenant, type.kind(), type.id().apply(doc), type.stored().apply(doc), null);
        return doc;
    }

    /** Replaces a document, keeping when it was created; empty when there is none. */
    private <T> Optional<T> updateDoc(String tenant, DocType<T> type, String id, String body) {
        Optional<T> old = doc(tenant, type, id);
        if (old.isEmpty()) {
            return old;
        }
        T doc = type.fromJson().parse(id, Json.parse(body), type.createdAt().applyAsLong(old.get()));
        store.putDoc(tenant, type.kind(), id, type.stored().apply(doc), null);
        return Optional.of(doc);
    }

    private <T> Optional<T> doc(String tenant, DocType<T> type, String id) {
        return store.getDoc(tenant, type.kind(), id).map(j -> type.fromStored().apply(Json.parse(j)));
    }

    private <T> List<T> docs(String tenant, DocType<T> type) {
        List<T> out = new ArrayList<>();
        store.listDocs(tenant, type.kind()).forEach(j -> out.add(type.fromStored().apply(Json.parse(j))));
        return out;
    }

    public MaintenanceWindow createWindow(String tenant, String body) {
        return createDoc(tenant, WINDOWS, body);
    }

    public Optional<MaintenanceWindow> updateWindow(String tenant, String id, String body) {
        return updateDoc(tenant, WINDOWS, id, body);
    }

    public Optional<MaintenanceWindow> window(String tenant, String id) {
        return doc(tenant, WINDOWS, id);
    }

    public List<MaintenanceWindow> windows(String tenant) {
        return docs(tenant, WINDOWS);
    }

    public boolean deleteWindow(String tenant, String id) {
        return store.deleteDoc(tenant, NotifyStore.Kind.WINDOW, id);
    }

    public InhibitionRule createInhibition(String tenant, String body) {
        return createDoc(tenant, INHIBITIONS, body);
    }

    public Optional<InhibitionRule> updateInhibition(String tenant, String id, String body) {
        return updateDoc(tenant, INHIBITIONS, id, body);
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

    public boolean deleteInhibition(String tenant, String id) {
        return store.deleteDoc(tenant, NotifyStore.Kind.INHIBITION, id);
    }

    private void limit(String tenant, NotifyStore.Kind kind, int max, String what) {
        if (store.listDocs(tenant, kind).size() >= max) {
            throw new PayloadException("", "a tenant has at most " + max + " " + what);
        }
    }
}
