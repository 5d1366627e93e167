package dev.longwatch.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stream records (format v1): what the ingest path writes, the rollup path reads back exactly. */
class StreamRecordsTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final long T = NOW.toEpochMilli() - 120_000;

    final StreamRecords codec = new StreamRecords(new Payloads(IngestLimits.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC),
            () -> "unused"));

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void metricsRoundTripBitExactIncludingAwkwardDoubles() {
        double[] values = {0.1, 1e-300, -0.0, 0.0, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
                Double.MIN_NORMAL, 1.0 / 3, 123456789012345678.0, -7.25};
        long[] times = new long[values.length];
        for (int i = 0; i < times.length; i++) {
            times[i] = T + i;
        }
        Series s = new Series("latency.p/x:y-z_1", MetricType.DISTRIBUTION, Tags.of("host", "a", "note", "é \"q\" ü"),
                times, values);
        Series c = new Series("requests", MetricType.COUNTER, Tags.EMPTY, new long[]{T}, new double[]{3});

        StreamRecords.Decoded d = codec.decode(codec.encode(new StreamRecord.Metrics("acme", List.of(s, c))));

        assertEquals(List.of(), d.rejected());
        StreamRecord.Metrics m = assertInstanceOf(StreamRecord.Metrics.class, d.record());
        assertEquals("acme", m.tenant());
        assertEquals(List.of(s, c), m.series());
        long[] expectedBits = Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
        long[] actualBits = Arrays.stream(m.series().get(0).values()).mapToLong(Double::doubleToRawLongBits).toArray();
        assertArrayEquals(expectedBits, actualBits, "every double comes back with the same bits (-0.0 stays -0.0)");
    }

    @Test
    void eventsRoundTripWithIdsAndOptionalFields() {
        Event full = new Event("ev-1", "Deploy \"api\" v2", "deploy", T, Tags.of("service", "api"), "notes\nhere",
                "ci", "https://ci.example.com/1");
        Event bare = new Event("ev-2", "Note", "note", T + 1, Tags.EMPTY, null, null, null);

        StreamRecords.Decoded d = codec.decode(codec.encode(new StreamRecord.Events("acme", List.of(full, bare))));

        assertEquals(List.of(), d.rejected());
        assertEquals(new StreamRecord.Events("acme", List.of(full, bare)), d.record());
    }

    @Test
    void eventsWithGeneratedUuidIdsSurviveTheStream() {
        // Ingest assigns random UUIDs; most start with a digit. The rollup side must not refuse them.
        Event e = new Event("0f1e2d3c-4b5a-4987-8654-3210fedcba98", "Deploy", "deploy", T, Tags.EMPTY, null, null, null);
        StreamRecords.Decoded d = codec.decode(codec.encode(new StreamRecord.Events("acme", List.of(e))));
        assertEquals(List.of(), d.rejected());
        assertEquals(List.of(e), ((StreamRecord.Events) d.record()).events());
    }

    @Test
    void smallRecordsAreWrittenAsPlainJsonAndLargeOnesGzipped() {
        Series small = new Series("cpu", MetricType.GAUGE, Tags.EMPTY, new long[]{T}, new double[]{1});
        byte[] plain = codec.encode(new StreamRecord.Metrics("acme", List.of(small)));
        assertTrue(plain.length <= StreamRecords.GZIP_THRESHOLD);
        assertFalse(StreamRecords.isGzip(plain));
        assertEquals('{', plain[0]);

        long[] ts = new long[200];
        double[] vs = new double[200];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = T + i;
            vs[i] = i * 0.5;
        }
        Series big = new Series("cpu", MetricType.GAUGE, Tags.of("host", "a"), ts, vs);
        byte[] packed = codec.encode(new StreamRecord.Metrics("acme", List.of(big)));
        assertTrue(StreamRecords.isGzip(packed), "a record above the threshold is gzipped");
        assertTrue(packed.length < 200 * 10, "gzip actually shrinks it: " + packed.length + " bytes");
        assertEquals(List.of(big), ((StreamRecord.Metrics) codec.decode(packed).record()).series());
    }

    @Test
    void aTenantsProducerMayWritePlainOrGzippedJson() throws IOException {
        String json = "{\"v\":1,\"tenant\":\"acme\",\"kind\":\"metrics\",\"series\":[{\"metric\":\"cpu\","
                + "\"type\":\"gauge\",\"tags\":{\"host\":\"a\"},\"points\":[[" + T + ",2.5]]}]}";
        Series expected = new Series("cpu", MetricType.GAUGE, Tags.of("host", "a"), new long[]{T}, new double[]{2.5});
        for (byte[] data : List.of(utf8(json), gzip(utf8(json)))) {
            StreamRecords.Decoded d = codec.decode(data);
            assertEquals(new StreamRecord.Metrics("acme", List.of(expected)), d.record());
        }
    }

    @Test
    void fieldOrderDoesNotMatterAndUnknownFieldsAreIgnored() {
        String json = "{\"series\":[{\"metric\":\"cpu\",\"type\":\"gauge\",\"points\":[[" + T + ",1]]}],"
                + "\"producer\":{\"name\":\"x\"},\"kind\":\"metrics\",\"tenant\":\"acme\",\"v\":1}";
        assertEquals(1, ((StreamRecord.Metrics) codec.decode(utf8(json)).record()).series().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"tenant\":\"acme\",\"kind\":\"metrics\",\"series\":[]}",
            "{\"v\":2,\"tenant\":\"acme\",\"kind\":\"metrics\",\"series\":[]}",
            "{\"v\":\"1\",\"tenant\":\"acme\",\"kind\":\"metrics\",\"series\":[]}"})
    void anUnknownVersionIsRefused(String json) {
        PayloadException e = assertThrows(PayloadException.class, () -> codec.decode(utf8(json)));
        assertEquals("v", e.field());
        assertTrue(e.reason().contains("unsupported record version"), e.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"v\":1,\"kind\":\"metrics\",\"series\":[]}",
            "{\"v\":1,\"tenant\":\"ACME\",\"kind\":\"metrics\",\"series\":[]}",
            "{\"v\":1,\"tenant\":\"-acme\",\"kind\":\"metrics\",\"series\":[]}",
            "{\"v\":1,\"tenant\":\"ac/me\",\"kind\":\"metrics\",\"series\":[]}",
            "{\"v\":1,\"tenant\":7,\"kind\":\"metrics\",\"series\":[]}"})
    void aMissingOrInvalidTenantIsRefused(String json) {
        PayloadException e = assertThrows(PayloadException.class, () -> codec.decode(utf8(json)));
        assertEquals("tenant", e.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"v\":1,\"tenant\":\"acme\",\"kind\":\"logs\",\"series\":[]}",
            "{\"v\":1,\"tenant\":\"acme\",\"series\":[]}",
            "{\"v\":1,\"tenant\":\"acme\",\"kind\":\"metrics\",\"events\":[]}",
            "{\"v\":1,\"tenant\":\"acme\",\"kind\":\"events\",\"series\":[]}"})
    void anUnknownKindOrAKindWithoutItsArrayIsRefused(String json) {
        PayloadException e = assertThrows(PayloadException.class, () -> codec.decode(utf8(json)));
        assertEquals("kind", e.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "{\"v\":1,\"tenant\":\"acme\",\"kind\":\"metrics\",\"series\":["})
    void anUnreadableRecordIsRefusedAsAWhole(String json) {
        assertThrows(PayloadException.class, () -> codec.decode(utf8(json)));
    }

    @Test
    void corruptGzipIsRefusedAsAPayloadProblem() throws IOException {
        byte[] z = gzip(utf8("{\"v\":1,\"tenant\":\"acme\",\"kind\":\"metrics\",\"series\":[]}"));
        byte[] truncated = Arrays.copyOf(z, z.length / 2);
        PayloadException e = assertThrows(PayloadException.class, () -> codec.decode(truncated));
        assertTrue(e.reason().contains("not valid gzip"), e.reason());
    }

    @Test
    void invalidItemsInsideARecordAreReportedAndTheRestIsKept() {
        String json = "{\"v\":1,\"tenant\":\"acme\",\"kind\":\"metrics\",\"series\":["
                + "{\"metric\":\"cpu\",\"type\":\"gauge\",\"points\":[[" + T + ",1],[" + T + ",NaN],[" + (T + 1) + ",2]]},"
                + "{\"metric\":\"1bad\",\"type\":\"gauge\",\"points\":[[" + T + ",1]]},"
                + "{\"metric\":\"mem\",\"type\":\"gauge\",\"points\":[[" + T + ",3]]}]}";
        StreamRecords.Decoded d = codec.decode(utf8(json));

        assertEquals(2, d.rejected().size());
        assertEquals(Integer.valueOf(1), d.rejected().get(0).point());
        assertEquals(Integer.valueOf(1), d.rejected().get(1).series());
        List<Series> kept = ((StreamRecord.Metrics) d.record()).series();
        assertEquals(List.of("cpu", "mem"), kept.stream().map(Series::metric).toList());
        assertArrayEquals(new double[]{1, 2}, kept.get(0).values());
    }

    @Test
    void invalidEventsInsideARecordAreReportedAndTheRestIsKept() {
        String json = "{\"v\":1,\"tenant\":\"acme\",\"kind\":\"events\",\"events\":["
                + "{\"id\":\"a\",\"title\":\"ok\",\"kind\":\"note\",\"time\":" + T + "},"
                + "{\"id\":\"b\",\"kind\":\"note\",\"time\":" + T + "}]}";
        StreamRecords.Decoded d = codec.decode(utf8(json));
        assertEquals(List.of(Rejection.event(1, "title is required")), d.rejected());
        assertEquals(List.of("a"), ((StreamRecord.Events) d.record()).events().stream().map(Event::id).toList());
    }

    @Test
    void aGzipBombIsStoppedAtTheDecodedLimit() throws IOException {
        // 64 MiB of spaces compresses to ~64 KiB: well within a Kinesis record, far beyond what we inflate.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) ' ');
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write('{');
            for (int i = 0; i < 64; i++) {
                z.write(chunk);
            }
            z.write('}');
        }
        byte[] bomb = out.toByteArray();
        assertTrue(bomb.length < 1024 * 1024, "the bomb fits in one record: " + bomb.length);

        BodyTooLargeException e = assertThrows(BodyTooLargeException.class, () -> codec.decode(bomb));
        assertEquals(StreamRecords.MAX_DECODED_BYTES, e.limit());
    }

    @Test
    void gunzipStopsAtTheGivenLimit() throws IOException {
        byte[] z = gzip(new byte[1001]);
        assertEquals(1001, StreamRecords.gunzip(z, 1001).length);
        assertThrows(BodyTooLargeException.class, () -> StreamRecords.gunzip(z, 1000));
    }
}
