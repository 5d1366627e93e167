package dev.longwatch.local.stream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * One record as a segment file stores it: {@code [body length: int][CRC32 of body: int][body]}, the body
 * being {@code [counter: long][arrival millis: long][key length: unsigned short][partition key, UTF-8][data]}.
 * The length and checksum let a reader tell a record cut short by a crash from a whole one.
 */
record StoredRecord(long counter, long arrivalMillis, String partitionKey, byte[] data, int storedBytes) {
    static final int HEADER_BYTES = 8;
    private static final int FIXED_BODY_BYTES = 8 + 8 + 2;
    /** Kinesis's limit on data plus partition key; the publisher refuses larger records. */
    static final int MAX_RECORD_BYTES = 1024 * 1024;
    static final int MAX_PARTITION_KEY_CHARS = 256;
    /** No record we write has a longer body, so a longer length field means a torn or foreign record. */
    static final int MAX_BODY_BYTES = FIXED_BODY_BYTES + MAX_RECORD_BYTES;

    /** Why the bytes at an offset are not a whole, intact record. */
    static final class CorruptRecordException extends Exception {
        CorruptRecordException(String message) {
            super(message);
        }
    }

    static int storedSize(byte[] partitionKey, byte[] data) {
        return HEADER_BYTES + FIXED_BODY_BYTES + partitionKey.length + data.length;
    }

    static void write(ByteBuffer out, long counter, long arrivalMillis, byte[] partitionKey, byte[] data) {
        int start = out.position();
        int bodyLength = FIXED_BODY_BYTES + partitionKey.length + data.length;
        out.putInt(bodyLength);
        out.putInt(0); // the checksum, filled in below
        out.putLong(counter);
        out.putLong(arrivalMillis);
        out.putShort((short) partitionKey.length);
        out.put(partitionKey);
        out.put(data);
        CRC32 crc = new CRC32();
        crc.update(out.duplicate().limit(start + HEADER_BYTES + bodyLength).position(start + HEADER_BYTES));
        out.putInt(start + 4, (int) crc.getValue());
    }

    /** Reads the record at {@code offset}; {@code end} is where the readable bytes of the file stop. */
    static StoredRecord read(FileChannel channel, long offset, long end) throws IOException, CorruptRecordException {
        if (end - offset < HEADER_BYTES) {
            throw new CorruptRecordException("only " + (end - offset) + " bytes left, less than a record header");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        readFully(channel, header, offset);
        int bodyLength = header.getInt(0);
        int checksum = header.getInt(4);
        if (bodyLength < FIXED_BODY_BYTES || bodyLength > MAX_BODY_BYTES) {
            throw new CorruptRecordException("record length " + bodyLength + " is impossible");
        }
        if (end - offset - HEADER_BYTES < bodyLength) {
            throw new CorruptRecordException("the record needs " + bodyLength + " bytes but only "
                    + (end - offset - HEADER_BYTES) + " were written");
        }
        ByteBuffer body = ByteBuffer.allocate(bodyLength);
        readFully(channel, body, offset + HEADER_BYTES);
        CRC32 crc = new CRC32();
        crc.update(body.duplicate());
        if ((int) crc.getValue() != checksum) {
            throw new CorruptRecordException("the checksum does not match the record's bytes");
        }
        long counter = body.getLong();
        long arrival = body.getLong();
        int keyLength = Short.toUnsignedInt(body.getShort());
        if (keyLength > body.remaining()) {
            throw new CorruptRecordException("partition key length " + keyLength + " runs past the record");
        }
        byte[] key = new byte[keyLength];
        body.get(key);
        byte[] data = new byte[body.remaining()];
        body.get(data);
        return new StoredRecord(counter, arrival, new String(key, StandardCharsets.UTF_8), data,
                HEADER_BYTES + bodyLength);
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new EOFException("segment ended at " + at + " while reading a record");
            }
            at += n;
        }
        into.flip();
    }
}
