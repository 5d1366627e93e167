package dev.longwatch.core.alerting;

import dev.longwatch.core.alerting.evaluate.EvaluatorService;
import dev.longwatch.model.PayloadException;
import dev.longwatch.model.alerting.FieldError;
import dev.longwatch.model.alerting.Monitor;
import dev.longwatch.model.alerting.MonitorValidationException;
import dev.longwatch.model.alerting.Monitors;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Monitor CRUD for one tenant at a time; every change is written to the audit log with who made it. */
public final class MonitorService {
    public static final int MAX_MONITORS_PER_TENANT = 10_000;

    private final MonitorStore store;
    private final AlertStateStore states;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    /** The monitor changed since the caller read it (its version differs). */
    public static final class ConflictException extends RuntimeException {
        public ConflictException(String message) {
            super(message);
        }
    }

    public MonitorService(MonitorStore store, AlertStateStore states, AuditLog audit, Clock clock,
                          SecureRandom random) {
        this.store = store;
        this.states = states;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    public Monitor create(String tenant, String who, Monitor m) {
        checkReferences(tenant, m, null);
        if (store.list(tenant).size() >= MAX_MONITORS_PER_TENANT) {
            throw new PayloadException("", "a tenant has at most " + MAX_MONITORS_PER_TENANT + " monitors");
        }
        byte[] id = new byte[8];
        random.nextBytes(id);
        long now = clock.millis();
        Monitor stored = m.stored("mon_" + HexFormat.of().formatHex(id), 1, now, now, who);
        if (!store.create(tenant, stored)) {
            throw new ConflictException("a monitor with this id exists; retry");
        }
        audit.record(tenant, new AuditLog.Entry(now, who, "monitor.create", stored.id(), null,
                Monitors.toJson(stored).toString()));
        return stored;
    }

    /** Replaces a monitor; {@code expectedVersion} (if not null) must be the stored version. */
    public Monitor update(String tenant, String who, String id, Monitor m, Long expectedVersion) {
        Monitor before = get(tenant, id).orElseThrow(() -> new NotFoundException("no monitor " + id));
        if (expectedVersion != null && expectedVersion != before.version()) {
            throw new ConflictException("the monitor is at version " + before.version() + ", not "
                    + expectedVersion + "; read it again");
        }
        checkReferences(tenant, m, id);
        long now = clock.millis();
        Monitor stored = m.stored(id, before.version() + 1, before.createdAt(), now, who);
        if (!store.update(tenant, stored)) {
            throw new ConflictException("the monitor changed meanwhile; read it again");
        }
        if (before.kind() != stored.kind() || !java.util.Objects.equals(groupBy(before), groupBy(stored))) {
            // Its instances were per the old groups (or kind): they would otherwise linger as NO_DATA.
            states.deleteInstances(tenant, id);
        }
        audit.record(tenant, new AuditLog.Entry(now, who, "monitor.update", id,
                Monitors.toJson(before).toString(), Monitors.toJson(stored).toString()));
        return stored;
    }

    public Monitor delete(String tenant, String who, String id) {
        return delete(tenant, who, id, m -> {
        });
    }

    /**
     * Deletes a monitor; {@code retire} sees it after it is gone from the store and before its instances are
     * removed, so what still fires can be resolved and said so ({@link AlertService#retire}).
     */
    public Monitor delete(String tenant, String who, String id, java.util.function.Consumer<Monitor> retire) {
        Monitor before = get(tenant, id).orElseThrow(() -> new NotFoundException("no monitor " + id));
        for (Monitor other : store.list(tenant)) {
            if (EvaluatorService.referenced(other).contains(id)) {
                throw new ConflictException("the composite monitor " + other.id() + " uses " + id
                        + "; change it first");
            }
        }
        if (!store.delete(tenant, id, before.version())) {
            throw new ConflictException("the monitor changed meanwhile; read it again");
        }
        retire.accept(before);
        states.deleteInstances(tenant, id);
        audit.record(tenant, new AuditLog.Entry(clock.millis(), who, "monitor.delete", id,
                Monitors.toJson(before).toString(), null));
        return before;
    }

    public Optional<Monitor> get(String tenant, String id) {
        return store.get(tenant, id);
    }

    public List<Monitor> list(String tenant) {
        return store.list(tenant);
    }

    private static List<String> groupBy(Monitor m) {
        return m.query() == null ? List.of() : m.query().groupBy();
    }

    private void checkReferences(String tenant, Monitor m, String selfId) {
        List<String> refs = EvaluatorService.referenced(m);
        if (refs.isEmpty()) {
            return;
        }
        List<String> known = store.list(tenant).stream().map(Monitor::id).toList();
        for (String ref : refs) {
            if (ref.equals(selfId)) {
                throw new MonitorValidationException(List.of(new FieldError("condition.expression",
                        "a composite cannot name itself")));
            }
            if (!known.contains(ref)) {
                throw new MonitorValidationException(List.of(new FieldError("condition.expression",
                        "no monitor " + ref + " in this tenant")));
            }
        }
    }
}
