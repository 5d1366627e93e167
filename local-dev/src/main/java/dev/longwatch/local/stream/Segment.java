package dev.longwatch.local.stream;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of a shard's log, named after the counter of its first record. {@link #length()} covers only
 * whole records that were written successfully; bytes past it are never read.
 */
final class Segment {
    static final String SUFFIX = ".seg";

    final long firstCounter;
    final Path path;
    private volatile long length;
    private FileChannel reader;

    Segment(long firstCounter, Path path, long length) {
        this.firstCounter = firstCounter;
        this.path = path;
        this.length = length;
    }

    static String fileName(long firstCounter) {
        return String.format("%020d%s", firstCounter, SUFFIX);
    }

    /** The first counter a segment file name stands for, or -1 when it is not a segment's name. */
    static long parseFileName(String name) {
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    long length() {
        return length;
    }

    void setLength(long length) {
        this.length = length;
    }

    /** A channel for positional reads, shared by readers (positional reads do not move it). */
    synchronized FileChannel reader() throws IOException {
        if (reader == null || !reader.isOpen()) {
            reader = FileChannel.open(path, StandardOpenOption.READ);
        }
        return reader;
    }

    synchronized void closeReader() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
