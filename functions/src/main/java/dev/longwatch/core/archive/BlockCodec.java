package dev.longwatch.core.archive;

import dev.longwatch.model.MetricType;
import dev.longwatch.model.SeriesKey;
import dev.longwatch.model.Tags;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * Archive block format v1, byte by byte in api-spec/archive-block-format.md. Writers always write the newest
 * version; readers refuse versions they do not know ({@link UnsupportedBlockVersionException}) and damaged
 * blocks ({@link CorruptBlockException}) instead of guessing.
 */
public final class BlockCodec {
    public static final int VERSION = 1;
    static final byte[] MAGIC = {'L', 'W', 'B', 'K'};
    private static final int HEADER_BYTES = MAGIC.length + 3;
    private static final int TRAILER_BYTES = 4;
    private static final int MAX_SEQUENCE_BYTES = 64;
    private static final int ID_BYTES = 16;

    private BlockCodec() {
    }

    // ---- writing --------------------------------------------------------------------------------------

    public static byte[] encode(ArchiveBlock block) {
        Out out = new Out(1024);
        out.write(MAGIC, 0, MAGIC.length);
        out.write(VERSION);
        out.write(block.kind().code);
        out.write(0); // flags: none defined in v1
        out.string(block.tenant());
        out.svarint(block.windowStart());

        TreeSet<String> shardSet = new TreeSet<>();
        if (block.kind() == ArchiveBlock.Kind.BATCH) {
            shardSet.add(block.shard());
        }
        for (BlockPart p : block.parts()) {
            shardSet.addAll(p.coverage().keySet());
        }
        List<String> shards = new ArrayList<>(shardSet);
        Map<String, Integer> shardIndex = new LinkedHashMap<>();
        out.uvarint(shards.size());
        for (String s : shards) {
            shardIndex.put(s, shardIndex.size());
            out.string(s);
        }

        List<BlockPart> parts = block.parts();
        if (block.kind() == ArchiveBlock.Kind.BATCH) {
            out.uvarint(shardIndex.get(block.shard()));
            out.sequence(block.firstSequence());
            out.sequence(block.lastSequence());
            out.uvarint(parts.size());
            for (BlockPart p : parts) {
                out.sequence(p.recordSequence());
            }
        } else {
            out.uvarint(parts.size());
            for (BlockPart p : parts) {
                out.uvarint((p.hourStart() - block.windowStart()) / ArchiveBlock.HOUR_MILLIS);
                out.uvarint(p.coverage().size());
                for (Map.Entry<String, SeqRange> c : p.coverage().entrySet()) {
                    out.uvarint(shardIndex.get(c.getKey()));
                    SeqRange r = c.getValue();
                    out.write(r.after() == null ? 0 : 1);
                    if (r.after() != null) {
                        out.sequence(r.after());
                    }
                    out.sequence(r.upTo());
                }
            }
        }

        // Series in order of first appearance; each with its runs of points per part.
        Map<SeriesKey, List<int[]>> runs = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            for (Map.Entry<SeriesKey, Points> e : parts.get(i).series().entrySet()) {
                if (e.getValue().size() > 0) {
                    runs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new int[]{i, e.getValue().size()});
                }
            }
        }
        out.uvarint(runs.size());
        for (Map.Entry<SeriesKey, List<int[]>> e : runs.entrySet()) {
            SeriesKey key = e.getKey();
            if (!key.tenant().equals(block.tenant())) {
                throw new IllegalArgumentException("series of tenant " + key.tenant() + " in a block of tenant "
                        + block.tenant());
            }
            out.write(HexFormat.of().parseHex(key.id()), 0, ID_BYTES);
            out.string(key.metric());
            out.write(typeCode(key.type()));
            out.uvarint(key.tags().size());
            for (Map.Entry<String, String> t : key.tags().asMap().entrySet()) {
                out.string(t.getKey());
                out.string(t.getValue());
            }
            int total = 0;
            for (int[] run : e.getValue()) {
                total += run[1];
            }
            out.uvarint(total);
            out.uvarint(e.getValue().size());
            for (int[] run : e.getValue()) {
                out.uvarint(run[0]);
                out.uvarint(run[1]);
            }
            long[] ts = new long[total];
            double[] vs = new double[total];
            int at = 0;
            for (int[] run : e.getValue()) {
                Points p = parts.get(run[0]).series().get(key);
                System.arraycopy(p.rawTimes(), 0, ts, at, p.size());
                System.arraycopy(p.rawValues(), 0, vs, at, p.size());
                at += p.size();
            }
            byte[] data = PointCodec.encode(ts, vs, total, block.windowStart());
            out.uvarint(data.length);
            out.write(data, 0, data.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.buffer(), 0, out.size());
        int c = (int) crc.getValue();
        out.write(c >>> 24);
        out.write(c >>> 16);
        out.write(c >>> 8);
        out.write(c);
        return out.toByteArray();
    }

    static int typeCode(MetricType type) {
        return switch (type) {
            case GAUGE -> 0;
            case COUNTER -> 1;
            case DISTRIBUTION -> 2;
        };
    }

    // ---- reading --------------------------------------------------------------------------------------

    /** The format version of a block's bytes, without reading further; -1 if they are not an archive block. */
    public static int versionOf(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            return -1;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return -1;
            }
        }
        return bytes[MAGIC.length] & 0xff;
    }

    public static ArchiveBlock decode(byte[] bytes) {
        int version = versionOf(bytes);
        if (version < 0) {
            throw new CorruptBlockException("not an archive block: it does not start with the bytes 'LWBK'");
        }
        if (version != VERSION) {
            throw new UnsupportedBlockVersionException(version, VERSION);
        }
        if (bytes.length < HEADER_BYTES + TRAILER_BYTES) {
            throw new CorruptBlockException("archive block of " + bytes.length + " bytes is truncated");
        }
        int bodyEnd = bytes.length - TRAILER_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bodyEnd);
        int stored = ByteBuffer.wrap(bytes, bodyEnd, TRAILER_BYTES).getInt();
        if (stored != (int) crc.getValue()) {
            throw new CorruptBlockException("archive block checksum mismatch: the object is damaged or truncated");
        }
        In in = new In(bytes, HEADER_BYTES - 2, bodyEnd);
        ArchiveBlock.Kind kind = ArchiveBlock.Kind.ofCode(in.u8());
        if (kind == null) {
            throw new CorruptBlockException("archive block of unknown kind " + (bytes[MAGIC.length + 1] & 0xff));
        }
        int flags = in.u8();
        if (flags != 0) {
            throw new CorruptBlockException("archive block has flags " + flags + ", none of which version 1 defines");
        }
        String tenant = in.string();
        long windowStart = in.svarint();
        int shardCount = in.count("shards");
        List<String> shards = new ArrayList<>(shardCount);
        for (int i = 0; i < shardCount; i++) {
            shards.add(in.string());
        }

        ArchiveBlock block;
        List<BlockPart> parts = new ArrayList<>();
        try {
            if (kind == ArchiveBlock.Kind.BATCH) {
                String shard = in.shard(shards);
                BigInteger first = in.sequence();
                BigInteger last = in.sequence();
                block = ArchiveBlock.batch(tenant, windowStart, shard, first, last);
                int partCount = in.count("parts");
                for (int i = 0; i < partCount; i++) {
                    parts.add(BlockPart.record(windowStart, shard, in.sequence()));
                }
            } else {
                block = kind == ArchiveBlock.Kind.HOUR ? ArchiveBlock.hour(tenant, windowStart)
                        : ArchiveBlock.day(tenant, windowStart);
                int partCount = in.count("parts");
                for (int i = 0; i < partCount; i++) {
                    long hour = windowStart + in.uvarint() * ArchiveBlock.HOUR_MILLIS;
                    int coverageCount = in.count("coverage entries");
                    if (coverageCount == 0) {
                        throw new CorruptBlockException("a part of a merged block covers no records");
                    }
                    Map<String, SeqRange> coverage = new TreeMap<>();
                    for (int c = 0; c < coverageCount; c++) {
                        String shard = in.shard(shards);
                        int hasAfter = in.u8();
                        if (hasAfter > 1) {
                            throw new CorruptBlockException("coverage flag " + hasAfter + " is not 0 or 1");
                        }
                        BigInteger after = hasAfter == 1 ? in.sequence() : null;
                        coverage.put(shard, new SeqRange(after, in.sequence()));
                    }
                    parts.add(BlockPart.merged(hour, coverage));
                }
            }
            for (BlockPart p : parts) {
                block.add(p);
            }
            if (kind == ArchiveBlock.Kind.HOUR && parts.size() != 1) {
                throw new IllegalArgumentException("an hourly block has " + parts.size() + " parts instead of one");
            }
        } catch (IllegalArgumentException e) {
            throw new CorruptBlockException("archive block header is inconsistent: " + e.getMessage());
        }

        int seriesCount = in.count("series");
        for (int s = 0; s < seriesCount; s++) {
            byte[] id = in.bytes(ID_BYTES);
            String metric = in.string();
            MetricType type = switch (in.u8()) {
                case 0 -> MetricType.GAUGE;
                case 1 -> MetricType.COUNTER;
                case 2 -> MetricType.DISTRIBUTION;
                default -> throw new CorruptBlockException("unknown metric type code in series " + metric);
            };
            int tagCount = in.count("tags");
            Map<String, String> tags = new TreeMap<>();
            for (int t = 0; t < tagCount; t++) {
                tags.put(in.string(), in.string());
            }
            SeriesKey key = new SeriesKey(tenant, metric, type, Tags.of(tags));
            if (!key.id().equals(HexFormat.of().formatHex(id))) {
                throw new CorruptBlockException("series " + metric + " " + tags + " does not match its id "
                        + HexFormat.of().formatHex(id));
            }
            long total = in.uvarint();
            int runCount = in.count("runs");
            int[][] runs = new int[runCount][];
            long sum = 0;
            int lastPart = -1;
            for (int r = 0; r < runCount; r++) {
                long part = in.uvarint();
                long count = in.uvarint();
                if (part <= lastPart || part >= parts.size() || count < 1) {
                    throw new CorruptBlockException("series " + metric + " has an invalid run (part " + part
                            + ", " + count + " points)");
                }
                lastPart = (int) part;
                sum += count;
                runs[r] = new int[]{(int) part, (int) count};
            }
            if (sum != total || total > Integer.MAX_VALUE) {
                throw new CorruptBlockException("series " + metric + " counts " + total + " points but its runs "
                        + sum);
            }
            int dataLength = in.count("data bytes");
            int dataStart = in.skip(dataLength);
            Points all = new Points((int) total);
            PointCodec.decode(bytes, dataStart, dataLength, (int) total, windowStart, all);
            int at = 0;
            for (int[] run : runs) {
                Points p = parts.get(run[0]).points(key);
                for (int i = 0; i < run[1]; i++, at++) {
                    p.add(all.time(at), all.value(at));
                }
            }
        }
        if (in.position() != bodyEnd) {
            throw new CorruptBlockException("archive block has " + (bodyEnd - in.position())
                    + " unexpected bytes after its last series");
        }
        return block;
    }

    // ---- primitives -----------------------------------------------------------------------------------

    private static final class Out extends ByteArrayOutputStream {
        Out(int size) {
            super(size);
        }

        byte[] buffer() {
            return buf;
        }

        void uvarint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void svarint(long v) {
            uvarint((v << 1) ^ (v >> 63));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            uvarint(b.length);
            write(b, 0, b.length);
        }

        void sequence(BigInteger seq) {
            if (seq.signum() < 0) {
                throw new IllegalArgumentException("negative sequence number " + seq);
            }
            byte[] b = seq.toByteArray();
            int skip = b.length > 1 && b[0] == 0 ? 1 : 0; // the sign byte of a positive number
            int len = seq.signum() == 0 ? 0 : b.length - skip;
            uvarint(len);
            write(b, skip, len);
        }
    }

    private static final class In {
        private final byte[] b;
        private int pos;
        private final int end;

        In(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int position() {
            return pos;
        }

        int u8() {
            need(1);
            return b[pos++] & 0xff;
        }

        long uvarint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new CorruptBlockException("a varint runs past 64 bits");
        }

        long svarint() {
            long v = uvarint();
            return (v >>> 1) ^ -(v & 1);
        }

        /** A count or length, which can never exceed the bytes left. */
        int count(String what) {
            long n = uvarint();
            if (n > end - pos) {
                throw new CorruptBlockException("archive block claims " + n + " " + what + " with only "
                        + (end - pos) + " bytes left");
            }
            return (int) n;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] out = new byte[n];
            System.arraycopy(b, pos, out, 0, n);
            pos += n;
            return out;
        }

        int skip(int n) {
            need(n);
            int at = pos;
            pos += n;
            return at;
        }

        String string() {
            int n = count("string bytes");
            int at = skip(n);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, at, n)).toString();
            } catch (CharacterCodingException e) {
                throw new CorruptBlockException("archive block holds a string that is not UTF-8");
            }
        }

        BigInteger sequence() {
            int n = count("sequence bytes");
            if (n > MAX_SEQUENCE_BYTES) {
                throw new CorruptBlockException("a sequence number of " + n + " bytes is longer than any stream's");
            }
            return n == 0 ? BigInteger.ZERO : new BigInteger(1, bytes(n));
        }

        String shard(List<String> shards) {
            long i = uvarint();
            if (i >= shards.size()) {
                throw new CorruptBlockException("shard index " + i + " is outside the shard table of " + shards.size());
            }
            return shards.get((int) i);
        }

        private void need(int n) {
            if (n < 0 || end - pos < n) {
                throw new CorruptBlockException("archive block ends early");
            }
        }
    }
}
