package dev.longwatch.handler;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code LONGWATCH_MINUTE_TIER} and the reader cache setting, as the functions read them. */
class MinuteTierSettingTest {

    @Test
    void theMinuteTierComesFromTheStreamUnlessArchiveIsSet() {
        assertFalse(AwsWiring.minuteTierFromArchive(Map.of()));
        assertFalse(AwsWiring.minuteTierFromArchive(Map.of("LONGWATCH_MINUTE_TIER", "stream")));
        assertTrue(AwsWiring.minuteTierFromArchive(Map.of("LONGWATCH_MINUTE_TIER", "archive",
                "LONGWATCH_ARCHIVE_BUCKET", "b")));
    }

    @Test
    void anUnknownMinuteTierOrOneWithoutTheArchiveStopsTheFunction() {
        IllegalStateException bad = assertThrows(IllegalStateException.class,
                () -> AwsWiring.minuteTierFromArchive(Map.of("LONGWATCH_MINUTE_TIER", "s3")));
        assertEquals("environment variable LONGWATCH_MINUTE_TIER must be \"stream\" or \"archive\", got \"s3\"",
                bad.getMessage());
        assertThrows(IllegalStateException.class,
                () -> AwsWiring.minuteTierFromArchive(Map.of("LONGWATCH_MINUTE_TIER", "archive")));
    }

    @Test
    void theReaderCacheDefaultsTo256ObjectsAndRefusesNonsense() {
        assertEquals(256, AwsWiring.archiveCacheObjects(Map.of()));
        assertEquals(1024, AwsWiring.archiveCacheObjects(Map.of("LONGWATCH_ARCHIVE_CACHE_OBJECTS", "1024")));
        assertThrows(IllegalStateException.class,
                () -> AwsWiring.archiveCacheObjects(Map.of("LONGWATCH_ARCHIVE_CACHE_OBJECTS", "-1")));
    }
}
