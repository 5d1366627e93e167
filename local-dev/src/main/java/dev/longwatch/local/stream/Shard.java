package dev.longwatch.local.stream;

import dev.longwatch.core.telemetry.Log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One shard: an append-only log of segment files plus a checkpoint per consumer (the sequence number of the
 * last record that consumer finished). Records get consecutive counters; a record is delivered only once it is
 * durable, and stays on disk until every consumer's checkpoint passes its whole segment.
 *
 * <p>Publishers append under one lock and then sync as a group: whoever gets the sync lock forces the file
 * for every record written so far, so concurrent publishers share one {@code force}. Only a consumer's drain
 * moves its cursor and checkpoint; consumers drain independently of each other.
 */
final class Shard {
    private static final Log LOG = Log.get(LocalStream.class);
    static final String CHECKPOINT_FILE = "checkpoint";
    /** The consumer whose checkpoint is {@code checkpoint}; others use {@code checkpoint-<name>}. */
    static final String DEFAULT_CONSUMER = "default";

    final int index;
    final String id;
    private final Path dir;
    private final long segmentBytes;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();

    private final ReentrantLock appendLock = new ReentrantLock();
    /** Open on the newest segment; guarded by appendLock. */
    private FileChannel writer;
    /** Set when a failed write could not be undone; guarded by appendLock. */
    private String brokenReason;
    /** Guarded by appendLock. */
    private boolean closed;
    /** Counter of the newest record written whole (not necessarily synced yet). */
    private volatile long lastCounter;
    /** The newest segment does not end at lastCounter (files went missing): counters must not jump inside it. */
    private boolean startSegmentOnNextAppend;

    private final Object syncLock = new Object();
    private final AtomicLong durableCounter = new AtomicLong();

    private final Object cursorLock = new Object();
    /** One read position and checkpoint per consumer; the default consumer always exists. */
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();

    /** Where a consumer is: the last record it finished, and where the next one is (or will be). */
    private static final class Cursor {
        final String consumer;
        volatile long checkpoint;
        /** Null only while there is no segment; guarded by cursorLock. */
        Segment segment;
        long offset;

        Cursor(String consumer, long checkpoint) {
            this.consumer = consumer;
            this.checkpoint = checkpoint;
        }
    }

    /** A record read for delivery, and where it lies. */
    record Entry(StoredRecord record, Segment segment, long offset) {
        long nextOffset() {
            return offset + record.storedBytes();
        }
    }

    Shard(int index, Path dir, long segmentBytes) throws IOException {
        this.index = index;
        this.id = SequenceNumbers.shardId(index);
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        recover();
    }

    // ---- opening --------------------------------------------------------------------------------------

    /** Reads the checkpoints and every segment, truncating a record torn by a crash. */
    private void recover() throws IOException {
        Files.createDirectories(dir);
        List<Long> firsts = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (name.startsWith(CHECKPOINT_FILE) && name.endsWith(".tmp")) {
                    Files.delete(p); // a checkpoint write cut off by a crash; the old checkpoint stands
                } else if (name.equals(CHECKPOINT_FILE)) {
                    cursors.put(DEFAULT_CONSUMER, new Cursor(DEFAULT_CONSUMER, readCheckpoint(p)));
                } else if (name.startsWith(CHECKPOINT_FILE + "-")) {
                    String consumer = name.substring(CHECKPOINT_FILE.length() + 1);
                    cursors.put(consumer, new Cursor(consumer, readCheckpoint(p)));
                } else if (name.endsWith(Segment.SUFFIX)) {
                    long first = Segment.parseFileName(name);
                    if (first < 1) {
                        LOG.warn("ignoring a file that is not a segment", "shard", id, "file", name);
                    } else {
                        firsts.add(first);
                    }
                }
            }
        }
        cursors.putIfAbsent(DEFAULT_CONSUMER, new Cursor(DEFAULT_CONSUMER, 0));
        Collections.sort(firsts);

        long highestCheckpoint = 0;
        for (Cursor c : cursors.values()) {
            highestCheckpoint = Math.max(highestCheckpoint, c.checkpoint);
        }
        long newest = highestCheckpoint;
        long expectedFirst = -1;
        for (int i = 0; i < firsts.size(); i++) {
            long first = firsts.get(i);
            boolean isNewest = i == firsts.size() - 1;
            Segment seg = new Segment(first, dir.resolve(Segment.fileName(first)), 0);
            if (expectedFirst >= 0 && first != expectedFirst) {
                LOG.warn("a segment does not continue the one before it; counters jump", "shard", id,
                        "segment", seg.path.getFileName(), "expectedCounter", expectedFirst);
            }
            long next = scan(seg, isNewest);
            if (seg.length() == 0 && !isNewest) {
                Files.delete(seg.path); // an empty file that is not the newest holds nothing and never will
                continue;
            }
            segments.put(first, seg);
            newest = Math.max(newest, next - 1);
            expectedFirst = next;
        }
        if (!segments.isEmpty() && expectedFirst - 1 != newest) {
            LOG.warn("the checkpoint is past the newest record on disk; segment files went missing", "shard", id,
                    "checkpoint", SequenceNumbers.of(index, highestCheckpoint));
            startSegmentOnNextAppend = true;
        }
        lastCounter = newest;
        durableCounter.set(newest);
        synchronized (cursorLock) {
            for (Cursor c : cursors.values()) {
                if (c.segment == null && !segments.isEmpty()) {
                    Segment last = segments.lastEntry().getValue();
                    c.segment = last;
                    c.offset = last.length();
                }
            }
            deleteCheckpointedSegments();
        }
    }

    /**
     * Adds a consumer that starts at the oldest record the shard still keeps (as an event source mapping at
     * TRIM_HORIZON does), unless it is known from its checkpoint file. Its checkpoint is written at once, so
     * records it has not read are kept from now on, also across restarts.
     */
    void addConsumer(String consumer) throws IOException {
        synchronized (cursorLock) {
            if (cursors.containsKey(consumer)) {
                return;
            }
            Map.Entry<Long, Segment> first = segments.firstEntry();
            Cursor c = new Cursor(consumer, first == null ? lastCounter : first.getKey() - 1);
            c.segment = first == null ? null : first.getValue();
            c.offset = 0;
            writeCheckpoint(c);
            cursors.put(consumer, c);
        }
    }

    private Path checkpointFile(String consumer) {
        return dir.resolve(consumer.equals(DEFAULT_CONSUMER) ? CHECKPOINT_FILE : CHECKPOINT_FILE + "-" + consumer);
    }

    private void writeCheckpoint(Cursor c) throws IOException {
        DurableFiles.replace(checkpointFile(c.consumer),
                (SequenceNumbers.of(index, c.checkpoint) + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private Cursor cursor(String consumer) {
        Cursor c = cursors.get(consumer);
        if (c == null) {
            throw new IllegalArgumentException("no consumer named " + consumer + " on " + id);
        }
        return c;
    }

    /**
     * Checks every record of a segment, truncates it at the first one that is not whole (a write cut off by
     * a crash), notes where each consumer's first record after its checkpoint is, and returns the counter after
     * the last.
     */
    private long scan(Segment seg, boolean isNewest) throws IOException {
        long counter = seg.firstCounter;
        long offset = 0;
        try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            while (offset < size) {
                StoredRecord r;
                try {
                    r = StoredRecord.read(ch, offset, size);
                    if (r.counter() != counter) {
                        throw new StoredRecord.CorruptRecordException("expected record " + counter + ", found "
                                + r.counter());
                    }
                } catch (StoredRecord.CorruptRecordException e) {
                    // Only the newest segment can end in a torn write: a full one is synced before the next opens.
                    LOG.warn(isNewest ? "truncating a record torn by a crash at the end of the shard"
                                    : "truncating a damaged segment; the records after the damage are lost",
                            "shard", id, "segment", seg.path.getFileName(), "offset", offset,
                            "droppedBytes", size - offset, "reason", e.getMessage());
                    ch.truncate(offset);
                    ch.force(true);
                    break;
                }
                for (Cursor c : cursors.values()) {
                    if (c.segment == null && r.counter() > c.checkpoint) {
                        c.segment = seg;
                        c.offset = offset;
                    }
                }
                offset += r.storedBytes();
                counter++;
            }
        }
        seg.setLength(offset);
        return counter;
    }

    private long readCheckpoint(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        long counter = SequenceNumbers.counterOf(index, text);
        if (counter < 0) {
            throw new IOException("the checkpoint file " + file + " does not hold a sequence number of " + id
                    + "; delete it to redeliver every record the shard still keeps");
        }
        return counter;
    }

    // ---- publishing -----------------------------------------------------------------------------------

    /** Writes records (not yet synced) and returns the counter of the last; see {@link #awaitDurable}. */
    long append(List<byte[]> keys, List<byte[]> data, long arrivalMillis) throws IOException {
        // An interrupt during channel I/O closes the channel every publisher shares: hold it back until done.
        boolean interrupted = Thread.interrupted();
        appendLock.lock();
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (brokenReason != null) {
                throw new IOException(id + " refuses writes: " + brokenReason
                        + "; restart the platform (opening the stream truncates the torn tail)");
            }
            int i = 0;
            while (i < keys.size()) {
                FileChannel ch = writerForAppend();
                Segment seg = segments.lastEntry().getValue();
                long start = seg.length();
                long room = segmentBytes - start;
                int end = i;
                long runBytes = 0;
                while (end < keys.size()) {
                    int size = StoredRecord.storedSize(keys.get(end), data.get(end));
                    if (end > i && runBytes + size > room) {
                        break;
                    }
                    runBytes += size;
                    end++;
                }
                ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(runBytes));
                long counter = lastCounter;
                for (int k = i; k < end; k++) {
                    StoredRecord.write(buf, ++counter, arrivalMillis, keys.get(k), data.get(k));
                }
                buf.flip();
                try {
                    long at = start;
                    while (buf.hasRemaining()) {
                        at += ch.write(buf, at);
                    }
                } catch (IOException e) {
                    interrupted |= Thread.interrupted();
                    rollBack(seg, start);
                    throw e;
                }
                seg.setLength(start + runBytes); // before lastCounter: a reader that sees the counter sees the bytes
                lastCounter = counter;
                i = end;
            }
            return lastCounter;
        } finally {
            appendLock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Returns when every record up to {@code counter} is on disk. */
    void awaitDurable(long counter) throws IOException {
        if (durableCounter.get() >= counter) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            synchronized (syncLock) {
                while (durableCounter.get() < counter) {
                    FileChannel ch;
                    long upTo;
                    appendLock.lock();
                    try {
                        if (closed) {
                            throw new ClosedChannelException();
                        }
                        ch = openWriter();
                        upTo = lastCounter;
                    } finally {
                        appendLock.unlock();
                    }
                    try {
                        ch.force(false);
                        durableCounter.accumulateAndGet(upTo, Math::max);
                    } catch (ClosedChannelException e) {
                        // A roll synced and closed this file, or an interrupt elsewhere closed it: look again.
                        interrupted |= Thread.interrupted();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The writer on the newest segment, creating the first segment if there is none. */
    private FileChannel openWriter() throws IOException {
        if (writer != null && writer.isOpen()) {
            return writer;
        }
        Map.Entry<Long, Segment> last = segments.lastEntry();
        Segment seg = last == null ? createSegment(lastCounter + 1) : last.getValue();
        FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.WRITE);
        try {
            ch.truncate(seg.length()); // drops the remains of a write that failed
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        writer = ch;
        return ch;
    }

    /** The writer, on a new segment once the newest is full. */
    private FileChannel writerForAppend() throws IOException {
        FileChannel ch = openWriter();
        Segment newest = segments.lastEntry().getValue();
        if (newest.length() < segmentBytes && !startSegmentOnNextAppend) {
            return ch;
        }
        // Later syncs only reach the new file, so the full one is synced before it is left.
        ch.force(false);
        durableCounter.accumulateAndGet(lastCounter, Math::max);
        ch.close();
        writer = null;
        createSegment(lastCounter + 1);
        startSegmentOnNextAppend = false;
        return openWriter();
    }

    private Segment createSegment(long firstCounter) throws IOException {
        Segment existing = segments.get(firstCounter);
        if (existing != null) {
            return existing; // an empty newest segment left by a restart
        }
        Path path = dir.resolve(Segment.fileName(firstCounter));
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        DurableFiles.syncDirectory(dir);
        Segment seg = new Segment(firstCounter, path, 0);
        segments.put(firstCounter, seg);
        return seg;
    }

    /** Cuts the newest segment back to its last whole record after a failed write. */
    private void rollBack(Segment seg, long length) {
        try {
            if (writer != null && writer.isOpen()) {
                writer.truncate(length);
            } else {
                writer = null;
                openWriter(); // reopening truncates to the last whole record
            }
        } catch (IOException e) {
            brokenReason = "a failed write could not be undone (" + e.getMessage() + ")";
            LOG.error("shard refuses writes until restart: a failed write could not be undone", e, "shard", id,
                    "segment", seg.path.getFileName());
        }
    }

    // ---- consuming ------------------------------------------------------------------------------------

    long durableCounter() {
        return durableCounter.get();
    }

    long checkpointCounter(String consumer) {
        return cursor(consumer).checkpoint;
    }

    long pendingRecords(String consumer) {
        return Math.max(0, lastCounter - cursor(consumer).checkpoint);
    }

    /** Up to {@code max} records after the consumer's checkpoint, none past {@code limitCounter}; moves nothing. */
    List<Entry> readBatch(String consumer, int max, long limitCounter) throws IOException {
        Cursor c = cursor(consumer);
        Segment seg;
        long offset;
        synchronized (cursorLock) {
            seg = c.segment;
            offset = c.offset;
        }
        List<Entry> batch = new ArrayList<>(Math.min(max, 1024));
        boolean interrupted = Thread.interrupted();
        try {
            while (batch.size() < max) {
                Entry e = readAt(seg, offset);
                if (e == null || e.record().counter() > limitCounter) {
                    break;
                }
                batch.add(e);
                seg = e.segment();
                offset = e.nextOffset();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return batch;
    }

    /** The record at a position, moving on to the next segment at the end of one; null if none is written. */
    private Entry readAt(Segment seg, long offset) throws IOException {
        Segment s = seg;
        long at = offset;
        if (s == null) {
            Map.Entry<Long, Segment> first = segments.firstEntry();
            if (first == null) {
                return null;
            }
            s = first.getValue();
            at = 0;
        }
        while (at >= s.length()) {
            Map.Entry<Long, Segment> next = segments.higherEntry(s.firstCounter);
            if (next == null) {
                return null;
            }
            s = next.getValue();
            at = 0;
        }
        try {
            return new Entry(StoredRecord.read(s.reader(), at, s.length()), s, at);
        } catch (StoredRecord.CorruptRecordException e) {
            throw new IOException(id + " segment " + s.path.getFileName() + " is damaged at offset " + at + ": "
                    + e.getMessage() + "; restart the platform to truncate it", e);
        }
    }

    /**
     * Records that the consumer finished everything up to {@code last}, durably, then drops the segments every
     * consumer has finished.
     */
    void checkpoint(String consumer, Entry last) throws IOException {
        Cursor c = cursor(consumer);
        long counter = last.record().counter();
        boolean interrupted = Thread.interrupted();
        try {
            DurableFiles.replace(checkpointFile(consumer),
                    (SequenceNumbers.of(index, counter) + "\n").getBytes(StandardCharsets.US_ASCII));
            synchronized (cursorLock) {
                c.checkpoint = counter;
                c.segment = last.segment();
                c.offset = last.nextOffset();
                deleteCheckpointedSegments();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Deletes the segments whose every record is at or below every consumer's checkpoint; never the newest. */
    private void deleteCheckpointedSegments() throws IOException {
        long checkpoint = Long.MAX_VALUE;
        for (Cursor c : cursors.values()) {
            checkpoint = Math.min(checkpoint, c.checkpoint);
            // Move a cursor off a finished, sealed segment first, so no cursor ever points at a deleted file.
            // A reader holding the old position skips to the next segment without reading the finished one.
            if (c.segment != null) {
                while (c.offset >= c.segment.length()) {
                    Map.Entry<Long, Segment> next = segments.higherEntry(c.segment.firstCounter);
                    if (next == null) {
                        break;
                    }
                    c.segment = next.getValue();
                    c.offset = 0;
                }
            }
        }
        int deleted = 0;
        while (true) {
            Map.Entry<Long, Segment> oldest = segments.firstEntry();
            Map.Entry<Long, Segment> next = oldest == null ? null : segments.higherEntry(oldest.getKey());
            if (next == null || next.getKey() - 1 > checkpoint || isCursorSegment(oldest.getValue())) {
                break;
            }
            Segment seg = oldest.getValue();
            segments.remove(oldest.getKey());
            seg.closeReader();
            Files.deleteIfExists(seg.path);
            deleted++;
        }
        if (deleted > 0) {
            DurableFiles.syncDirectory(dir);
        }
    }

    private boolean isCursorSegment(Segment seg) {
        for (Cursor c : cursors.values()) {
            if (c.segment == seg) {
                return true;
            }
        }
        return false;
    }

    /** Arrival time of the consumer's oldest record not yet checkpointed, if any is written. */
    OptionalLong oldestPendingArrival(String consumer) throws IOException {
        Cursor c = cursor(consumer);
        synchronized (cursorLock) {
            if (lastCounter <= c.checkpoint) {
                return OptionalLong.empty();
            }
            Entry e = readAt(c.segment, c.offset);
            return e == null ? OptionalLong.empty() : OptionalLong.of(e.record().arrivalMillis());
        }
    }

    int segmentCount() {
        return segments.size();
    }

    /** Syncs and closes the files; later appends fail. */
    void close() throws IOException {
        appendLock.lock();
        try {
            closed = true;
            if (writer != null && writer.isOpen()) {
                try {
                    writer.force(false);
                } finally {
                    writer.close();
                    writer = null;
                }
            }
        } finally {
            appendLock.unlock();
        }
        synchronized (cursorLock) {
            for (Segment s : segments.values()) {
                s.closeReader();
            }
        }
    }
}
