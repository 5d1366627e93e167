package dev.longwatch.core.alerting;

import dev.longwatch.model.alerting.Monitor;

import java.util.List;
import java.util.Optional;

/** Port: monitors by tenant (DynamoDB {@code alerting} table). Writes are conditional on the version. */
public interface MonitorStore {

    /** Stores a new monitor (version 1); false if the id is taken. */
    boolean create(String tenant, Monitor monitor);

    /** Replaces a monitor if its stored version is {@code monitor.version() - 1}; false otherwise. */
    boolean update(String tenant, Monitor monitor);

    /** Deletes a monitor if its stored version is {@code version}; false otherwise. */
    boolean delete(String tenant, String id, long version);

    Optional<Monitor> get(String tenant, String id);

    /** Every monitor of a tenant, by id. */
    List<Monitor> list(String tenant);

    /** Every tenant that has ever had a monitor (the evaluator's work list). */
    List<String> tenants();
}
