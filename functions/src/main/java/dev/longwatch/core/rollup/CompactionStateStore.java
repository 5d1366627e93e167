package dev.longwatch.core.rollup;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Port: the compactor's state per tenant (DynamoDB state table): its progress marks and the recompute
 * requests that late data leaves for it. Reads are strongly consistent; every change is conditional or
 * idempotent, so concurrent compactor runs and rollup batches cannot undo each other's work.
 */
public interface CompactionStateStore {

    /** The tenant's progress, if the tenant has started. */
    Optional<CompactionProgress> progress(String tenant);

    /** Stores {@code initial} unless the tenant has progress already. Returns true if it was stored. */
    boolean start(String tenant, CompactionProgress initial);

    /** Moves one mark forward to {@code through}; a mark already there or beyond stays. */
    void advance(String tenant, CompactionProgress.Mark mark, long through);

    /** Records these requests (idempotent per tenant, tier, slot and series; each ask renews the token). */
    void request(Collection<RecomputeRequest> requests);

    /** Up to {@code limit} of the tenant's open requests for {@code tier}, oldest slot first, with tokens. */
    List<RecomputeRequest> pending(String tenant, Tier tier, int limit);

    /** Deletes the request if nobody asked again since it was read. Returns false if it stays (asked again). */
    boolean complete(RecomputeRequest request);
}
