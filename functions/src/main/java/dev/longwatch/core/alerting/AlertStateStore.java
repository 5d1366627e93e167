package dev.longwatch.core.alerting;

import dev.longwatch.model.alerting.AlertTransition;

import java.util.List;
import java.util.Optional;

/**
 * Port: alert instances and their transition history (DynamoDB {@code alerting} table). {@link #save} is the
 * exactly-once point: the instance is written only if its stored version is still the one read, and each
 * transition only if its id is new, all or nothing.
 */
public interface AlertStateStore {

    /** Every instance of a tenant. */
    List<AlertInstance> instances(String tenant);

    Optional<AlertInstance> get(String tenant, String alertId);

    /**
     * Stores {@code next} (its version is the stored one + 1; 1 for a new instance) together with
     * {@code transitions}; false, with nothing written, if another writer got there first.
     */
    boolean save(String tenant, AlertInstance next, List<AlertTransition> transitions);

    /** The instance's transitions, newest first, at most {@code limit}. */
    List<AlertTransition> transitions(String tenant, String alertId, int limit);

    /** Removes every instance of a deleted monitor (their history expires by TTL). */
    void deleteInstances(String tenant, String monitorId);
}
