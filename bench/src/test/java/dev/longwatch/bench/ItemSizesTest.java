package dev.longwatch.bench;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The documented item-size rules the harness uses to check DynamoDB Local's ConsumedCapacity. */
class ItemSizesTest {

    @Test
    void stringsAndBinariesCountTheirNameAndTheirBytes() {
        Map<String, AttributeValue> item = Map.of(
                "pk", AttributeValue.fromS("acme/abc"),                        // 2 + 8
                "d", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[40])), // 1 + 40
                "é", AttributeValue.fromS("ü"));                               // 2 + 2 (UTF-8)
        assertEquals(55, ItemSizes.itemBytes(item));
    }

    @Test
    void numbersCountOneBytePerTwoSignificantDigitsPlusOne() {
        assertEquals(2, ItemSizes.numberBytes("7"));
        assertEquals(2, ItemSizes.numberBytes("12"));
        assertEquals(3, ItemSizes.numberBytes("123"));
        assertEquals(2, ItemSizes.numberBytes("1000"), "trailing zeros are trimmed");
        assertEquals(3, ItemSizes.numberBytes("-0.00125"), "leading zeros and the sign are not digits");
    }

    @Test
    void mapsAddThreeBytesAndOneBytePerElement() {
        AttributeValue w = AttributeValue.fromM(Map.of("shard", AttributeValue.fromS("49")));
        // "w" (1) + 3 overhead + "shard" (5) + "49" (2) + 1 per element
        assertEquals(12, ItemSizes.itemBytes(Map.of("w", w)));
    }

    @Test
    void writeUnitsRoundUpPerKilobyteAndReadUnitsPerFourKilobytes() {
        assertEquals(1, ItemSizes.writeUnits(1));
        assertEquals(1, ItemSizes.writeUnits(1024));
        assertEquals(2, ItemSizes.writeUnits(1025));
        assertEquals(1, ItemSizes.readUnits(0, true), "a missing item still costs one strongly consistent unit");
        assertEquals(2, ItemSizes.readUnits(4097, true));
        assertEquals(0.5, ItemSizes.readUnits(100, false));
    }
}
