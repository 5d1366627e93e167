package dev.longwatch.core.query;

import dev.longwatch.model.PayloadException;
import dev.longwatch.model.Tags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code key:value}, {@code key:*} and {@code !key:value} filters. */
class TagFilterTest {
    static final Tags A = Tags.of("host", "a", "url", "http://x/y");
    static final Tags NO_HOST = Tags.of("region", "eu");

    @Test
    void keyValueMatchesExactlyThatValue() {
        TagFilter f = TagFilter.parse("host:a", "filter");
        assertEquals(new TagFilter("host", "a", false), f);
        assertTrue(f.matches(A));
        assertFalse(f.matches(Tags.of("host", "ab")));
        assertFalse(f.matches(NO_HOST));
    }

    @Test
    void keyStarMatchesAnyValueButNotAMissingKey() {
        TagFilter f = TagFilter.parse("host:*", "filter");
        assertTrue(f.matches(A));
        assertFalse(f.matches(NO_HOST));
    }

    @Test
    void aNegatedFilterMatchesOtherValuesAndMissingKeys() {
        TagFilter f = TagFilter.parse("!host:a", "filter");
        assertEquals(new TagFilter("host", "a", true), f);
        assertFalse(f.matches(A));
        assertTrue(f.matches(Tags.of("host", "b")));
        assertTrue(f.matches(NO_HOST));
    }

    @Test
    void aNegatedStarMatchesOnlySeriesWithoutTheKey() {
        TagFilter f = TagFilter.parse("!host:*", "filter");
        assertFalse(f.matches(A));
        assertTrue(f.matches(NO_HOST));
    }

    @Test
    void theValueRunsFromTheFirstColonToTheEnd() {
        TagFilter f = TagFilter.parse("url:http://x/y", "filter");
        assertEquals("url", f.key());
        assertEquals("http://x/y", f.value());
        assertTrue(f.matches(A));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", ":a", "host:", "!", "!:a", "!host", "", ":"})
    void malformedFiltersAreRefusedNamingTheParameter(String raw) {
        PayloadException e = assertThrows(PayloadException.class, () -> TagFilter.parse(raw, "filter"));
        assertEquals("filter", e.field());
        assertTrue(e.reason().contains("must be key:value, key:* or !key:value"), e.reason());
    }
}
