package dev.longwatch.core.notify;

import dev.longwatch.core.events.EventStore;
import dev.longwatch.core.notify.channel.Channel;
import dev.longwatch.core.notify.channel.Notifier;
import dev.longwatch.core.notify.channel.Notifiers;
import dev.longwatch.core.notify.channel.Outcome;
import dev.longwatch.core.notify.channel.Signatures;
import dev.longwatch.core.notify.chat.ActionLinks;
import dev.longwatch.core.notify.mute.InhibitionRule;
import dev.longwatch.core.notify.mute.MaintenanceWindow;
import dev.longwatch.core.notify.mute.Muter;
import dev.longwatch.core.notify.mute.Silence;
import dev.longwatch.core.notify.mute.TenantMuter;
import dev.longwatch.core.notify.route.Route;
import dev.longwatch.core.notify.route.Router;
import dev.longwatch.core.telemetry.Log;
import dev.longwatch.core.telemetry.PlatformMetrics;
import dev.longwatch.model.Event;
import dev.longwatch.model.alerting.AlertState;
import dev.longwatch.model.alerting.AlertTransition;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The notification pipeline: route → group → mute → dedupe → rate-limit → render → deliver → record.
 *
 * <p>Nothing waits in memory between runs. {@link #accept} puts each transition into its groups (state in the
 * notifications table) and flushes the groups that are due; {@link #tick} (every minute on AWS, every few seconds
 * locally) flushes groups whose timers ran out and retries deliveries whose backoff ended. A flush claims one
 * delivery-log entry per channel with a conditional write before it sends, so a retried run never sends twice.
 */
public final class NotificationService {
    private static final Log LOG = Log.get(NotificationService.class);
    /** Channels served at once by one run (each channel's own messages stay in order, paced). */
    static final int CHANNEL_CONCURRENCY = 8;
    /** Owner of the wake-up markers: not a tenant (tenant ids are a-z, 0-9 and -). */
    static final String WAKE_MARKERS = "_notifier";
    /**
     * How far ahead a run asks for a wake-up. Shorter than SQS allows (15 minutes) on purpose: the scheduled tick
     * runs every minute and asks for the earliest due item in reach, so work further ahead gets its wake-up from a
     * later tick at no loss of precision; and a wake-up never waits on the queue as long as the notification
     * queue's age alarm (5 minutes) allows a transition to, whichever way SQS counts a delayed message's age.
     */
    public static final long WAKE_HORIZON_MILLIS = 240_000;

    /**
     * @param consoleUrl          base URL of the web console for links (null: no links)
     * @param stormThreshold      the most messages one channel gets from one run; beyond it the rest collapse into
     *                            one summary message
     * @param maxAttempts         delivery attempts before a notification is dead-lettered
     * @param retryBaseMillis     first retry delay; doubled each attempt (a Retry-After that asks more wins)
     * @param changesWindowMillis how far before an alert to look for deploys and other changes
     * @param gatherMillis        the least a new group waits after its first transition arrived, however old that
     *                            transition's data time: one evaluation round reaches the notifier in several SQS
     *                            batches, and this pause lets them make one message
     */
    public record Settings(String consoleUrl, int stormThreshold, int maxAttempts, long retryBaseMillis,
                           long changesWindowMillis, long gatherMillis) {
        public static final long DEFAULT_GATHER_MILLIS = 2_000;
        public static final Settings DEFAULT = new Settings(null, 5, 5, 30_000, 2 * 3_600_000L, DEFAULT_GATHER_MILLIS);

        public Settings {
            if (gatherMillis < 0) {
                throw new IllegalArgumentException("gatherMillis must not be negative");
            }
        }

        /** With the default gather pause. */
        public Settings(String consoleUrl, int stormThreshold, int maxAttempts, long retryBaseMillis,
                        long changesWindowMillis) {
            this(consoleUrl, stormThreshold, maxAttempts, retryBaseMillis, changesWindowMillis, DEFAULT_GATHER_MILLIS);
        }

        public Settings withConsoleUrl(String url) {
            return new Settings(url, stormThreshold, maxAttempts, retryBaseMillis, changesWindowMillis, gatherMillis);
        }

        public Settings withGatherMillis(long millis) {
            return new Settings(consoleUrl, stormThreshold, maxAttempts, retryBaseMillis, changesWindowMillis, millis);
        }
    }

    /** What one run did. */
    public record RunReport(int transitions, int groupsFlushed, int sent, int retrying, int failed, int summarized,
                            int duplicates) {
    }

    private final NotifyStore store;
    private final ChannelService channels;
    private final Notifiers notifiers;
    private final EventStore events;
    private final ActionLinks actionLinks;
    private final ChartLinks charts;
    private final DeadLetters deadLetters;
    private final Pacer pacer;
    private final Clock clock;
    private final PlatformMetrics metrics;
    private final Settings settings;
    private final Wakeups wakeups;

    /** Without wake-ups: groups are flushed by the runs that accept transitions and by the periodic tick. */
    public NotificationService(NotifyStore store, ChannelService channels, Notifiers notifiers, EventStore events,
                               ActionLinks actionLinks, ChartLinks charts, DeadLetters deadLetters, Pacer pacer,
                               Clock clock, PlatformMetrics metrics, Settings settings) {
        this(store, channels, notifiers, events, actionLinks, charts, deadLetters, pacer, clock, metrics, settings,
                Wakeups.NONE);
    }

    /** @param wakeups asked, after each run, for a run when the earliest work that run left pending is due */
    public NotificationService(NotifyStore store, ChannelService channels, Notifiers notifiers, EventStore events,
                               ActionLinks actionLinks, ChartLinks charts, DeadLetters deadLetters, Pacer pacer,
                               Clock clock, PlatformMetrics metrics, Settings settings, Wakeups wakeups) {
        this.wakeups = wakeups == null ? Wakeups.NONE : wakeups;
        this.store = store;
        this.channels = channels;
        this.notifiers = notifiers;
        this.events = events;
        this.actionLinks = actionLinks;
        this.charts = charts == null ? ChartLinks.NONE : charts;
        this.deadLetters = deadLetters == null ? DeadLetters.NONE : deadLetters;
        this.pacer = pacer;
        this.clock = clock;
        this.metrics = metrics;
        this.settings = settings;
    }

    public NotifyStore store() {
        return store;
    }

    public ChannelService channels() {
        return channels;
    }

    public Notifiers notifiers() {
        return notifiers;
    }

    // ------------------------------------------------------------------ entry points

    /** Takes the evaluator's transitions (an SQS batch, or the in-process queue), groups them, flushes what is due. */
    public RunReport accept(List<AlertTransition> transitions) {
        return run(new Run(clock.millis()), transitions, false);
    }

    /** Flushes the groups whose timers ran out and retries deliveries whose backoff ended. */
    public RunReport tick(long now) {
        return run(new Run(now), List.of(), true);
    }

    /**
     * A batch that carries a wake-up: its transitions as {@link #accept} takes them, then what is due as
     * {@link #tick} finds it, in one run (so at most one wake-up is asked for).
     */
    public RunReport acceptAndTick(List<AlertTransition> transitions) {
        return run(new Run(clock.millis()), transitions, true);
    }

    private RunReport run(Run run, List<AlertTransition> transitions, boolean due) {
        Set<String> touched = new LinkedHashSet<>();
        for (AlertTransition t : transitions) {
            if (!t.to().notifiable() && t.to() != AlertState.OK) {
                continue; // PENDING: nobody is told yet
            }
            for (Route r : Router.routes(t, run.tenant(t.tenant()).routes())) {
                GroupState proto = GroupState.of(r, t);
                if (upsert(run, t.tenant(), proto, t)) {
                    touched.add(t.tenant() + "\n" + proto.id);
                }
            }
            run.transitions++;
        }
        for (String k : touched) {
            String[] p = k.split("\n", 2);
            flush(run, p[0], p[1], false);
        }
        if (due) {
            for (NotifyStore.Due d : store.due(run.now)) {
                try {
                    if (d.type().equals("group")) {
                        if (!touched.contains(d.tenant() + "\n" + d.id())) { // flushed above, saved after sending
                            flush(run, d.tenant(), d.id(), true);
                        }
                    } else if (d.type().equals("delivery")) {
                        store.getDelivery(d.tenant(), d.id()).ifPresent(del -> run.retry(del));
                    }
                } catch (RuntimeException e) {
                    LOG.error("notifier tick item failed; the next tick retries", e, "tenant", d.tenant(), "item",
                            d.id());
                }
            }
        }
        RunReport report = run.dispatch();
        run.wake(due);
        return report;
    }

    /** Sends a test message to a channel now and records it like any other notification. */
    public Delivery test(String tenant, Channel channel) {
        long now = clock.millis();
        Notice n = new Notice(Notice.Kind.TEST, tenant, "test", Map.of(), List.of(), now, List.of(), Notice.Links.NONE,
                List.of());
        String id = deliveryId(now, "test/" + UUID.randomUUID());
        Delivery d = new Delivery(id, tenant, channel.id(), channel.type().wire(), "test", null, List.of(), n.title(),
                Delivery.PENDING, 0, null, null, now, now, null, n.toJson(), null);
        store.claimDelivery(d);
        Run run = new Run(now);
        run.channelCache.put(tenant + "\n" + channel.id(), Optional.of(channel));
        return run.attempt(d, n);
    }

    // ------------------------------------------------------------------ grouping

    private boolean upsert(Run run, String tenant, GroupState proto, AlertTransition t) {
        long now = run.now;
        for (int attempt = 0; attempt < 8; attempt++) {
            Optional<NotifyStore.GroupItem> item = store.getGroup(tenant, proto.id);
            GroupState g = item.map(GroupState::fromItem).orElse(proto);
            boolean fresh = item.isEmpty();
            GroupState.Entry e = g.alerts.get(t.alertId());
            if (e != null && e.alert.at() > t.at()) {
                return false; // an older transition arrived late
            }
            if (e != null && e.alert.id().equals(t.id())) {
                // Redelivered: nothing new, but the group may be due, or the run that wrote it may have ended
                // before asking for its wake-up.
                run.scheduled(tenant, g.id, g.nextAt);
                return true;
            }
            boolean resolution = t.to() == AlertState.RESOLVED || t.to() == AlertState.OK;
            if (e == null && resolution) {
                return false; // it was never part of this group: nothing to resolve
            }
            if (e == null) {
                g.alerts.put(t.alertId(), new GroupState.Entry(t, null, false));
            } else {
                e.alert = t;
            }
            if (fresh) {
                // The group wait buffers alerts that start within it of each other (Alertmanager's model), so it is
                // counted from the alert's data time (the end of the evaluated minute), not from when the evaluator
                // got round to it; a data time in the future (a skewed clock) counts as now. The gather keeps one
                // round's transitions, arriving in several batches, in one message when the wait is already over.
                g.firstAt = now;
                g.firstDueAt = Math.max(Math.min(t.at(), now) + g.groupWait, now + settings.gatherMillis());
                g.nextAt = g.firstDueAt;
                g.version = 1;
            } else {
                long due = g.lastFlushAt == 0 ? g.firstDue() : Math.max(now, g.lastFlushAt + g.groupInterval);
                g.nextAt = g.nextAt == null ? due : Math.min(g.nextAt, due);
                g.version++;
            }
            if (store.putGroup(g.toItem(tenant))) {
                run.scheduled(tenant, g.id, g.nextAt);
                return true;
            }
        }
        throw new IllegalStateException("group " + proto.id + " kept changing under this run; the batch is retried");
    }

    /** One alert's part in a flush. */
    private record Report(GroupState.Entry entry, boolean silenceExpired) {
    }

    private void flush(Run run, String tenant, String groupId, boolean fromTick) {
        Optional<NotifyStore.GroupItem> item = store.getGroup(tenant, groupId);
        if (item.isEmpty()) {
            return;
        }
        GroupState g = GroupState.fromItem(item.get());
        long now = run.now;
        if (g.nextAt == null || g.nextAt > now) {
            return;
        }
        TenantMuter muter = run.tenant(tenant).muter();
        List<Report> reports = new ArrayList<>();
        boolean changed = false, anyActive = false;
        long nextMuteEnd = Long.MAX_VALUE;
        List<String> drop = new ArrayList<>();
        Map<String, Boolean> mutedNow = new HashMap<>();
        for (Map.Entry<String, GroupState.Entry> me : g.alerts.entrySet()) {
            GroupState.Entry e = me.getValue();
            AlertState st = e.alert.to();
            boolean resolution = st == AlertState.RESOLVED || st == AlertState.OK;
            if (resolution) {
                if (e.notified != null && !resolution(AlertState.fromWire(e.notified))) {
                    reports.add(new Report(e, false));
                    changed = true;
                } else {
                    drop.add(me.getKey());
                }
                continue;
            }
            Optional<Muter.Mute> mute = muter.mutes(e.alert, now);
            if (mute.isPresent()) {
                mutedNow.put(me.getKey(), true);
                if (mute.get().until() != Long.MAX_VALUE) {
                    nextMuteEnd = Math.min(nextMuteEnd, mute.get().until());
                }
                continue;
            }
            anyActive = true;
            boolean expired = e.muted;
            boolean isNew = !st.wire().equals(e.notified) || e.muted;
            changed |= isNew;
            reports.add(new Report(e, expired));
        }
        long due;
        if (g.lastFlushAt == 0) {
            due = g.firstDue();
        } else if (changed) {
            due = g.lastFlushAt + g.groupInterval;
        } else if (anyActive) {
            due = g.lastFlushAt + g.repeatInterval;
        } else {
            due = Long.MAX_VALUE;
        }
        boolean send = !reports.isEmpty() && (changed || anyActive) && now >= due;
        if (send) {
            long scheduledAt = g.nextAt;
            Notice notice = notice(tenant, g, reports, now);
            g.seq++;
            for (Report r : reports) {
                r.entry().notified = r.entry().alert.to().wire();
            }
            g.lastFlushAt = now;
            run.outgoing.add(new Outgoing(tenant, g, notice, scheduledAt));
            run.groupsFlushed++;
        }
        for (Map.Entry<String, GroupState.Entry> me : g.alerts.entrySet()) {
            me.getValue().muted = mutedNow.containsKey(me.getKey());
        }
        g.alerts.keySet().removeAll(drop);
        g.alerts.values().removeIf(e -> resolution(e.alert.to()) && e.notified != null
                && resolution(AlertState.fromWire(e.notified)));
        // Next look: the repeat of what still fires, the end of a mute, or the due time not reached yet.
        long next = Long.MAX_VALUE;
        boolean active = g.alerts.values().stream().anyMatch(e -> !e.muted && e.alert.to() != AlertState.RESOLVED
                && e.alert.to() != AlertState.OK);
        if (active) {
            next = Math.min(next, (send ? now : g.lastFlushAt) + g.repeatInterval);
        }
        if (!send && due != Long.MAX_VALUE && due > now) {
            next = Math.min(next, due);
        }
        next = Math.min(next, nextMuteEnd);
        g.nextAt = next == Long.MAX_VALUE ? null : next;
        g.version++;
        if (send) {
            run.pendingGroups.put(tenant + "\n" + g.id, g);
        } else if (g.alerts.isEmpty()) {
            store.deleteGroup(tenant, g.id, g.version - 1);
            run.scheduled(tenant, g.id, null);
        } else if (!store.putGroup(g.toItem(tenant))) {
            LOG.warn("group changed during its flush; the next run looks again", "tenant", tenant, "group", g.id);
        } else {
            run.scheduled(tenant, g.id, g.nextAt);
        }
    }

    private static boolean resolution(AlertState s) {
        return s == AlertState.RESOLVED || s == AlertState.OK;
    }

    private Notice notice(String tenant, GroupState g, List<Report> reports, long now) {
        List<Notice.Item> items = new ArrayList<>();
        for (Report r : reports) {
            items.add(new Notice.Item(r.entry().alert, r.silenceExpired()));
        }
        items.sort(Comparator.comparing((Notice.Item i) -> !i.active()).thenComparing(Notice.Item::groupText));
        AlertTransition first = items.get(0).alert();
        String console = null;
        if (settings.consoleUrl() != null) {
            String base = settings.consoleUrl().replaceAll("/+$", "");
            console = items.size() == 1 ? base + "/alerts/" + enc(first.alertId())
                    : base + "/alerts?monitorId=" + enc(first.monitorId());
        }
        Notice.Links links = new Notice.Links(console, first.runbook(), safeChart(first, now),
                link(tenant, g.id, "ack", now), link(tenant, g.id, "silence_1h", now), link(tenant, g.id, "resolve", now));
        return new Notice(Notice.Kind.ALERT, tenant, g.id, g.labels, items, now, changes(tenant, first), links, List.of());
    }

    private String safeChart(AlertTransition t, long now) {
        try {
            return charts.chartUrl(t, now);
        } catch (RuntimeException e) {
            LOG.error("chart rendering failed; the message goes without it", e, "alertId", t.alertId());
            return null;
        }
    }

    private String link(String tenant, String groupId, String action, long now) {
        return actionLinks == null ? null : actionLinks.url(tenant, groupId, action, now);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Deploys and other changes in the window before the alert that share a tag value with it. */
    private List<Notice.Change> changes(String tenant, AlertTransition first) {
        if (events == null) {
            return List.of();
        }
        List<Notice.Change> out = new ArrayList<>();
        try {
            long to = Math.max(first.since(), first.at()) + 1;
            List<Event> found = events.find(tenant, first.since() - settings.changesWindowMillis(), to, 500);
            for (int i = found.size() - 1; i >= 0 && out.size() < 5; i--) {
                Event ev = found.get(i);
                if (related(ev, first)) {
                    out.add(new Notice.Change(ev.title(), ev.kind(), ev.time(), ev.link()));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("reading change events failed; the message goes without them", e, "tenant", tenant);
        }
        return out;
    }

    private static boolean related(Event ev, AlertTransition t) {
        Map<String, String> tags = ev.tags() == null ? Map.of() : ev.tags().asMap();
        for (Map.Entry<String, String> l : t.labels().entrySet()) {
            if (l.getKey().equals("severity") || l.getKey().equals("monitor")) {
                continue;
            }
            if (l.getValue().equals(tags.get(l.getKey()))) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ delivery

    private record Outgoing(String tenant, GroupState group, Notice notice, long scheduledAt) {
    }

    static String deliveryId(long scheduledAt, String key) {
        return String.format(Locale.ROOT, "%013d", scheduledAt) + "-" + Signatures.sha256Hex(key).substring(0, 16);
    }

    /** Per-tenant configuration, read once per run. */
    private final class TenantContext {
        final String tenant;
        List<Route> routes;
        TenantMuter muter;

        TenantContext(String tenant) {
            this.tenant = tenant;
        }

        List<Route> routes() {
            if (routes == null) {
                routes = new ArrayList<>();
                store.listDocs(tenant, NotifyStore.Kind.ROUTE).forEach(j -> routes.add(Route.fromStored(Json.parse(j))));
            }
            return routes;
        }

        TenantMuter muter() {
            if (muter == null) {
                List<Silence> silences = new ArrayList<>();
                store.listDocs(tenant, NotifyStore.Kind.SILENCE).forEach(j -> silences.add(Silence.fromStored(Json.parse(j))));
                List<MaintenanceWindow> windows = new ArrayList<>();
                store.listDocs(tenant, NotifyStore.Kind.WINDOW).forEach(j -> windows.add(MaintenanceWindow.fromStored(Json.parse(j))));
                List<AlertTransition> active = new ArrayList<>();
                for (NotifyStore.GroupItem gi : store.listGroups(tenant)) {
                    GroupState.fromItem(gi).alerts.values().forEach(e -> active.add(e.alert));
                }
                List<InhibitionRule> rules = new ArrayList<>();
                store.listDocs(tenant, NotifyStore.Kind.INHIBITION).forEach(j -> rules.add(InhibitionRule.fromStored(Json.parse(j))));
                muter = new TenantMuter(silences, windows, rules, active);
            }
            return muter;
        }
    }

    /** One notifier run: what it flushes, then sends, with storm control per channel. */
    private final class Run {
        final long now;
        int transitions, groupsFlushed;
        // Channels are served in parallel (each channel's messages in order), so these are shared.
        final java.util.concurrent.atomic.AtomicInteger sentCount = new java.util.concurrent.atomic.AtomicInteger(),
                retryingCount = new java.util.concurrent.atomic.AtomicInteger(),
                failedCount = new java.util.concurrent.atomic.AtomicInteger(),
                summarizedCount = new java.util.concurrent.atomic.AtomicInteger(),
                duplicateCount = new java.util.concurrent.atomic.AtomicInteger();
        final Map<String, TenantContext> tenants = new HashMap<>();
        final List<Outgoing> outgoing = new ArrayList<>();
        final Map<String, GroupState> pendingGroups = new LinkedHashMap<>();
        final Map<String, Optional<Channel>> channelCache = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, Long> lastSent = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, Long> blockedUntil = new java.util.concurrent.ConcurrentHashMap<>();
        /** Per group and delivery this run wrote, when it is due next (the last write wins; absent: nothing). */
        final Map<String, Long> nextLooks = new java.util.concurrent.ConcurrentHashMap<>();

        Run(long now) {
            this.now = now;
        }

        void scheduled(String tenant, String id, Long at) {
            if (at == null) {
                nextLooks.remove(tenant + "\n" + id);
            } else {
                nextLooks.put(tenant + "\n" + id, at);
            }
        }

        /**
         * Asks for one wake-up at the earliest time work is left for (a group wait ending, a group interval, a
         * retry's backoff), when that lies within {@link #WAKE_HORIZON_MILLIS}; further ahead is the scheduled
         * tick's, which asks once it is in reach.
         * A run that accepted transitions looks at what it wrote; a run that looked for due work (a tick, a
         * wake-up) also at the store's earliest due item, so a wake-up that flushed one group leads to the next
         * group's, which no run touched since it was written. Runs that want the same second share one wake-up
         * (a once-only marker), so wake-ups do not multiply. One that cannot be asked for costs only precision:
         * the scheduled tick still comes.
         */
        void wake(boolean lookInStore) {
            if (wakeups == Wakeups.NONE) {
                return;
            }
            try {
                long earliest = Long.MAX_VALUE;
                for (long at : nextLooks.values()) {
                    if (at > now && at < earliest) {
                        earliest = at;
                    }
                }
                if (lookInStore) {
                    earliest = Math.min(earliest, store.nextDue(now).orElse(Long.MAX_VALUE));
                }
                long t = clock.millis();
                if (earliest == Long.MAX_VALUE || earliest - t > WAKE_HORIZON_MILLIS) {
                    return;
                }
                // Whole seconds (SQS delays are): the wake-up at the end of a second finds all that second's work
                // due, so runs wanting the same second can share it.
                long second = Math.floorDiv(earliest + 999, 1000);
                if (!store.firstSeen(WAKE_MARKERS, "wake", Long.toString(second), second * 1000 + 86_400_000L)) {
                    return; // another run asked for this second already
                }
                wakeups.wakeAt(second * 1000, t);
                metrics.count("NotifierWakeups", 1);
            } catch (RuntimeException e) {
                LOG.error("notifier wake-up could not be asked for; the scheduled tick does the work", e);
            }
        }

        TenantContext tenant(String t) {
            return tenants.computeIfAbsent(t, TenantContext::new);
        }

        Optional<Channel> channel(String tenant, String id) {
            return channelCache.computeIfAbsent(tenant + "\n" + id, k -> {
                try {
                    return channels.get(tenant, id);
                } catch (RuntimeException e) {
                    LOG.error("channel cannot be read", e, "tenant", tenant, "channelId", id);
                    return Optional.empty();
                }
            });
        }

        RunReport dispatch() {
            // Per channel, in order: the first (threshold - 1) messages go out, the rest collapse into a summary.
            Map<String, List<Delivery>> perChannel = new LinkedHashMap<>();
            Map<String, Notice> notices = new HashMap<>();
            for (Outgoing o : outgoing) {
                for (String ch : o.group().channels) {
                    String id = deliveryId(o.scheduledAt(), o.group().id + "/" + o.group().seq + "/" + ch);
                    Optional<Channel> c = channel(o.tenant(), ch);
                    Delivery d = new Delivery(id, o.tenant(), ch, c.map(x -> x.type().wire()).orElse("unknown"), "alert",
                            o.group().id, o.group().alertIds(), o.notice().title(), Delivery.PENDING, 0, null, null,
                            now, now, null, o.notice().toJson(), null);
                    perChannel.computeIfAbsent(o.tenant() + "\n" + ch, k -> new ArrayList<>()).add(d);
                    notices.put(id, o.notice());
                }
            }
            dev.longwatch.core.Concurrently.map(new ArrayList<>(perChannel.entrySet()), CHANNEL_CONCURRENCY, e -> {
                List<Delivery> list = e.getValue();
                int limit = Math.max(1, settings.stormThreshold());
                List<Delivery> individual = list.size() <= limit ? list : list.subList(0, limit - 1);
                List<Delivery> collapsed = list.size() <= limit ? List.of() : list.subList(limit - 1, list.size());
                for (Delivery d : individual) {
                    if (!store.claimDelivery(d)) {
                        duplicateCount.incrementAndGet();
                        continue;
                    }
                    Delivery done = attempt(d, notices.get(d.id()));
                    if (done.externalRef() != null) {
                        GroupState g = pendingGroups.get(d.tenant() + "\n" + d.groupId());
                        if (g != null) {
                            synchronized (g) {
                                g.refs.put(d.channelId(), done.externalRef());
                            }
                        }
                    }
                }
                if (!collapsed.isEmpty()) {
                    summarize(collapsed, notices);
                }
                return null;
            });
            for (Map.Entry<String, GroupState> e : pendingGroups.entrySet()) {
                String tenant = e.getKey().substring(0, e.getKey().indexOf('\n'));
                GroupState g = e.getValue();
                if (g.alerts.isEmpty()) {
                    store.deleteGroup(tenant, g.id, g.version - 1);
                    scheduled(tenant, g.id, null);
                } else if (!store.putGroup(g.toItem(tenant))) {
                    LOG.warn("group changed while its notification was sent; the next run looks again", "tenant",
                            tenant, "group", g.id);
                } else {
                    scheduled(tenant, g.id, g.nextAt);
                }
            }
            metrics.count("NotificationsSent", sentCount.get());
            metrics.count("NotificationsFailed", failedCount.get());
            metrics.count("NotificationsSummarized", summarizedCount.get());
            return new RunReport(transitions, groupsFlushed, sentCount.get(), retryingCount.get(), failedCount.get(),
                    summarizedCount.get(), duplicateCount.get());
        }

        private void summarize(List<Delivery> collapsed, Map<String, Notice> notices) {
            Delivery first = collapsed.get(0);
            List<String> lines = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<String> alertIds = new ArrayList<>();
            for (Delivery d : collapsed) {
                Notice n = notices.get(d.id());
                lines.add(n.title() + (n.links().console() == null ? "" : " " + n.links().console()));
                ids.add(d.id());
                alertIds.addAll(d.alertIds());
            }
            String summaryId = deliveryId(now, "summary/" + String.join(",", ids));
            Notice summary = new Notice(Notice.Kind.SUMMARY, first.tenant(), "summary", Map.of(), List.of(), now,
                    List.of(), settingsLinks(), lines);
            Delivery s = new Delivery(summaryId, first.tenant(), first.channelId(), first.channelType(), "summary",
                    null, alertIds, summary.title(), Delivery.PENDING, 0, null, null, now, now, null, summary.toJson(),
                    null);
            boolean claimed = store.claimDelivery(s);
            for (Delivery d : collapsed) {
                // Recorded as summarized so a retried run neither resends them nor the summary.
                if (store.claimDelivery(d.with(Delivery.SUMMARIZED, 0, null, null, now, null, null))) {
                    summarizedCount.incrementAndGet();
                } else {
                    duplicateCount.incrementAndGet();
                }
            }
            if (claimed) {
                attempt(s, summary);
            } else {
                duplicateCount.incrementAndGet();
            }
        }

        private Notice.Links settingsLinks() {
            return settings.consoleUrl() == null ? Notice.Links.NONE
                    : new Notice.Links(settings.consoleUrl().replaceAll("/+$", "") + "/alerts", null, null, null, null,
                    null);
        }

        void retry(Delivery d) {
            if (!Delivery.RETRYING.equals(d.status()) || d.notice() == null) {
                return;
            }
            attempt(d, Notice.fromJson(d.notice()));
        }

        /** One attempt: rate budget, pacing, the notifier, and the outcome recorded. */
        Delivery attempt(Delivery d, Notice notice) {
            long t = clock.millis();
            Optional<Channel> ch = channel(d.tenant(), d.channelId());
            if (ch.isEmpty()) {
                return fail(d, "the channel no longer exists", null, t);
            }
            Channel c = ch.get();
            String key = d.tenant() + "\n" + c.id();
            Long blocked = blockedUntil.get(key);
            if (blocked != null && blocked > t) {
                return reschedule(d, blocked, d.lastError(), d.lastHttpStatus(), t, d.attempts());
            }
            long minute = t - t % 60_000;
            if (!store.takeRate(d.tenant(), c.id(), minute, c.type().perMinute())) {
                return reschedule(d, minute + 60_000, "rate budget of " + c.type().perMinute() + "/min spent", null,
                        t, d.attempts());
            }
            Long last = lastSent.get(key);
            if (last != null && c.type().minSpacingMillis() > 0) {
                pacer.pause(last + c.type().minSpacingMillis() - clock.millis());
            }
            Notifier notifier = notifiers.of(c.type());
            Outcome o;
            try {
                String ref = slackRef(d, c, notice);
                // A resolution rewrites the group's Slack message the bot posted (chat.update) instead of adding one.
                o = ref != null ? notifiers.slack().update(c, ref, notice, null) : notifier.notify(c, notice, d.id());
            } catch (RuntimeException e) {
                o = Outcome.retryable(0, 0, "delivery failed (" + e.getClass().getSimpleName() + ")");
            }
            t = clock.millis();
            lastSent.put(key, t);
            int attempts = d.attempts() + 1;
            switch (o.status()) {
                case SENT -> {
                    sentCount.incrementAndGet();
                    Delivery done = d.with(Delivery.SENT, attempts, null, o.httpStatus(), t, null, o.externalRef());
                    store.saveDelivery(done);
                    LOG.info("notification sent", "tenant", d.tenant(), "channelId", c.id(), "notificationId", d.id(),
                            "attempts", attempts);
                    return done;
                }
                case RETRYABLE -> {
                    if (o.httpStatus() == 429) {
                        blockedUntil.put(key, t + Math.max(1000, o.retryAfterMillis()));
                    }
                    if (attempts >= settings.maxAttempts()) {
                        return fail(d.with(d.status(), attempts, o.error(), o.httpStatus(), t, null, null), o.error(),
                                o.httpStatus(), t);
                    }
                    long backoff = settings.retryBaseMillis() << Math.min(10, attempts - 1);
                    return reschedule(d, t + Math.max(backoff, o.retryAfterMillis()), o.error(), o.httpStatus(), t,
                            attempts);
                }
                default -> {
                    return fail(d.with(d.status(), attempts, o.error(), o.httpStatus(), t, null, null), o.error(),
                            o.httpStatus(), t);
                }
            }
        }

        private String slackRef(Delivery d, Channel c, Notice notice) {
            if (c.type() != dev.longwatch.core.notify.channel.ChannelType.SLACK
                    || !dev.longwatch.core.notify.channel.slack.SlackNotifier.usesBot(c)
                    || notice.kind() != Notice.Kind.ALERT || !notice.firing().isEmpty() || d.groupId() == null) {
                return null;
            }
            GroupState g = pendingGroups.get(d.tenant() + "\n" + d.groupId());
            if (g == null) {
                return null;
            }
            synchronized (g) {
                return g.refs.get(c.id());
            }
        }

        private Delivery reschedule(Delivery d, long at, String error, Integer http, long t, int attempts) {
            retryingCount.incrementAndGet();
            Delivery r = d.with(Delivery.RETRYING, attempts, error, http, t, at, null);
            store.saveDelivery(r);
            scheduled(d.tenant(), "delivery\n" + d.id(), at);
            LOG.warn("notification will be retried", "tenant", d.tenant(), "channelId", d.channelId(),
                    "notificationId", d.id(), "attempts", attempts, "retryAt", at, "reason", String.valueOf(error));
            return r;
        }

        private Delivery fail(Delivery d, String error, Integer http, long t) {
            failedCount.incrementAndGet();
            Delivery f = d.with(Delivery.FAILED, d.attempts(), error, http, t, null, null);
            store.saveDelivery(f);
            LOG.warn("notification failed for good; dead-lettered", "tenant", d.tenant(), "channelId", d.channelId(),
                    "notificationId", d.id(), "attempts", d.attempts(), "reason", String.valueOf(error));
            try {
                deadLetters.send(d);
            } catch (RuntimeException e) {
                LOG.error("dead-letter queue refused a failed notification; the delivery log keeps it", e);
            }
            return f;
        }
    }

    /** The delivery log for GET /v1/notifications: newest first, optionally one status, paged by id. */
    public List<Delivery> list(String tenant, String status, int limit, String after) {
        return store.listDeliveries(tenant, status, limit, after);
    }
}
