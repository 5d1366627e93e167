package dev.longwatch.infra.construct;

/**
 * What the minute tier from the archive ({@code -c minuteTierSource=archive}, {@code LONGWATCH_MINUTE_TIER}) adds
 * to the functions, each with exactly the access its new duty needs. The rollup consumer's mapping is switched off
 * by {@code RollupStack}; everything else is here, so the stacks only call it.
 */
public final class MinuteTierWiring {
    /** The functions' variable (AwsWiring.minuteTierFromArchive). */
    public static final String VARIABLE = "LONGWATCH_MINUTE_TIER";
    /** Decoded archive objects a reader keeps: about two hours of per-batch objects of 4 shards, twice over. */
    public static final String CACHE_VARIABLE = "LONGWATCH_ARCHIVE_CACHE_OBJECTS";
    public static final int READER_CACHE_OBJECTS = 1024;
    public static final String FRESH_FROM_ARCHIVE = "LONGWATCH_FRESH_FROM_ARCHIVE_SECONDS";
    /**
     * The fresh tail's lag in archive mode. The tail also starts at the tenant's {@code hourDone} (the compaction
     * state says which hours have their minutes written), so this only needs to exceed the archive's own window.
     */
    public static final int ARCHIVE_MODE_LAG_SECONDS = 300;

    private MinuteTierWiring() {
    }

    /**
     * The archive consumer registers new series (series index: idempotent batch puts) and starts new tenants'
     * compaction progress (state: GetItem, conditional PutItem), as the rollup consumer does in stream mode.
     */
    public static void archiveConsumer(ArchiveConsumer consumer, TableSet t) {
        LongwatchFunction fn = consumer.function();
        fn.function().addEnvironment(VARIABLE, "archive");
        t.environmentFor(t.series(), t.state()).forEach(fn.function()::addEnvironment);
        t.series().grant(fn.alias(), "dynamodb:BatchWriteItem");
        t.state().grant(fn.alias(), "dynamodb:GetItem", "dynamodb:PutItem");
    }

    /**
     * The compactor writes each merged hour's minute slabs (it already reads and writes rollups) and asks for
     * recomputation of hours it re-merged for late data (state: BatchWriteItem of recompute requests).
     */
    public static void compactor(ScheduledCompactor compactor, TableSet t) {
        LongwatchFunction fn = compactor.function();
        fn.function().addEnvironment(VARIABLE, "archive");
        t.state().grant(fn.alias(), "dynamodb:BatchWriteItem");
    }

    /**
     * A reader of minutes (queries, the evaluator) takes the minutes not compacted yet from the archive: read-only
     * access to the bucket, the tenant's progress (GetItem), and a reader cache of about two hours of objects.
     * {@code archiveMode}: the tail starts at the tenant's compacted hours; else it is {@code lagSeconds} long
     * (stream mode with a long rollup window).
     */
    public static void freshReader(LongwatchFunction fn, ArchiveBucket archive, TableSet t, boolean archiveMode,
                                   int lagSeconds) {
        archive.environment().forEach(fn.function()::addEnvironment);
        archive.grantRead(fn);
        fn.function().addEnvironment(FRESH_FROM_ARCHIVE, Integer.toString(lagSeconds));
        fn.function().addEnvironment(CACHE_VARIABLE, Integer.toString(READER_CACHE_OBJECTS));
        if (archiveMode) {
            fn.function().addEnvironment(VARIABLE, "archive");
            t.environmentFor(t.state()).forEach(fn.function()::addEnvironment);
            t.state().grant(fn.alias(), "dynamodb:GetItem");
        }
    }
}
