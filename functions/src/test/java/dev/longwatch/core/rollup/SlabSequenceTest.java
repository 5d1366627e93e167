package dev.longwatch.core.rollup;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kinesis sequence numbers are compared as numbers, whatever their length. */
class SlabSequenceTest {

    @Test
    void aShorterSequenceNumberIsSmallerEvenWhenItSortsLaterAsText() {
        assertTrue(Slab.compareSequence("9", "10") < 0);
        assertTrue(Slab.compareSequence("10", "9") > 0);
        assertTrue(Slab.compareSequence("999999999999999999999", "1000000000000000000000") < 0);
    }

    @Test
    void sequenceNumbersOfEqualLengthCompareDigitByDigit() {
        String a = "49590338271490256608559692538361571095921575989136588801";
        String b = "49590338271490256608559692538361571095921575989136588802";
        assertTrue(Slab.compareSequence(a, b) < 0);
        assertTrue(Slab.compareSequence(b, a) > 0);
        assertEquals(0, Slab.compareSequence(a, a));
    }

    @Test
    void realisticSequenceNumbersOfDifferentLengthsSortNumerically() {
        // Beyond 2^64: a long cannot hold them.
        List<String> seqs = new ArrayList<>(List.of(
                "49590338271490256608559692538361571095921575989136588802",
                "4959033827149025660855969253836157109592157598913658880",
                "49590338271490256608559692538361571095921575989136588801",
                "100000000000000000000",
                "18446744073709551616",
                "18446744073709551615"));
        seqs.sort(Slab::compareSequence);
        assertEquals(List.of(
                "18446744073709551615",
                "18446744073709551616",
                "100000000000000000000",
                "4959033827149025660855969253836157109592157598913658880",
                "49590338271490256608559692538361571095921575989136588801",
                "49590338271490256608559692538361571095921575989136588802"), seqs);
    }

    @Test
    void aSlabHasAppliedEverythingUpToItsShardWatermarkByNumericOrder() {
        Slab slab = Slab.empty(SlabCodecTest.GAUGE).advanced(java.util.Map.of("shardId-000000000001", "100"));
        assertTrue(slab.hasApplied("shardId-000000000001", "99"));
        assertTrue(slab.hasApplied("shardId-000000000001", "100"));
        assertTrue(!slab.hasApplied("shardId-000000000001", "1000"), "1000 is above the watermark 100");
        assertTrue(!slab.hasApplied("shardId-000000000001", "101"));
    }
}
