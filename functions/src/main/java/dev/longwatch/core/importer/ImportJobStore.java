package dev.longwatch.core.importer;

import java.util.List;
import java.util.Optional;

/**
 * Port: import jobs and their progress, in the state table on AWS and locally. Every change of progress is
 * conditional: a run first takes the job's lease, and moves the job's cursor only while it still holds the
 * lease and the cursor is where it read it, so two runs that overlap never import a window twice or skip one.
 */
public interface ImportJobStore {

    /**
     * A job and its progress. {@code cursor} is the end (epoch ms, exclusive) of the last window that is on
     * the stream, null before the first; {@code source} says who defined it ({@code api} or
     * {@code environment}).
     */
    record Entry(CloudWatchImportJob job, String source, Long cursor, String leaseOwner, Long leaseUntil,
                 Long lastRunAt, String lastError, long pointsImported) {
    }

    /** Creates the job or replaces its definition; its progress (cursor, lease) is kept. */
    void define(CloudWatchImportJob job, String source);

    /** Every job of every tenant. */
    List<Entry> list();

    Optional<Entry> get(String tenant, String id);

    /** Removes the job and its progress; false if there was none. */
    boolean delete(String tenant, String id);

    /**
     * Takes the lease of a job until {@code leaseUntil} if nobody holds it (or the holder's lease ran out
     * before {@code now}); returns the job as it was taken, or empty when another run holds it.
     */
    Optional<Entry> claim(String tenant, String id, String owner, long now, long leaseUntil);

    /**
     * Moves the cursor from {@code expectedCursor} (null: not started) to {@code newCursor}, adds
     * {@code points} and extends the lease; false (and nothing changed) if {@code owner} no longer holds the
     * lease or the cursor moved.
     */
    boolean advance(String tenant, String id, String owner, Long expectedCursor, long newCursor, long points,
                    long leaseUntil);

    /** Gives the lease back and records the run's end ({@code error} null when it went well). */
    void release(String tenant, String id, String owner, long now, String error);
}
