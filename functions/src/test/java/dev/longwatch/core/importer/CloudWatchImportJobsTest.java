package dev.longwatch.core.importer;

import dev.longwatch.model.IngestLimits;
import dev.longwatch.model.PayloadException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Import job definitions: what is accepted, and that every refusal names the field and says why. */
class CloudWatchImportJobsTest {
    final CloudWatchImportJobs jobs = new CloudWatchImportJobs(IngestLimits.DEFAULT);

    CloudWatchImportJob parse(String json) {
        return jobs.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    void assertRefused(String json, String field, String reasonPart) {
        PayloadException e = assertThrows(PayloadException.class, () -> parse(json));
        assertEquals(field, e.field(), e.reason());
        assertTrue(e.reason().contains(reasonPart), e.reason());
    }

    @Test
    void aFullDefinitionIsReadAndWrittenBackAlike() {
        String json = """
                {"tenant":"acme","id":"billing","namespace":"AWS/Billing","metric":"EstimatedCharges",\
                "dimensions":{"Currency":"USD"},"statistics":["Maximum","p99.9"],"period":21600,\
                "account":"123456789012","since":"2024-09-01T00:00:00Z","until":"2024-10-01T00:00:00Z"}""";
        CloudWatchImportJob job = parse(json);
        assertEquals(Map.of("Currency", "USD"), job.dimensions());
        assertEquals(List.of("Maximum", "p99.9"), job.statistics());
        assertEquals(21600, job.period());
        assertEquals(Instant.parse("2024-09-01T00:00:00Z"), job.since());
        assertEquals(job, parse(CloudWatchImportJobs.toJson(job).toString()));
    }

    @Test
    void onlyWhatIsNeededIsRequired() {
        CloudWatchImportJob job = parse("""
                {"tenant": "acme", "id": "n", "namespace": "MyApp", "metric": "Orders", "statistics": ["Sum"],
                 "since": 1727308800000}""");
        assertEquals(Map.of(), job.dimensions());
        assertNull(job.period());
        assertNull(job.account());
        assertEquals(Instant.ofEpochMilli(1727308800000L), job.since());
    }

    @Test
    void eachInvalidFieldIsNamedWithTheReason() {
        String ok = "\"tenant\": \"acme\", \"id\": \"j\", \"namespace\": \"AWS/EC2\", \"metric\": \"CPUUtilization\"";
        assertRefused("{" + ok + "}", "statistics", "non-empty array");
        assertRefused("{" + ok + ", \"statistics\": [\"Median\"]}", "statistics/0", "not supported");
        assertRefused("{" + ok + ", \"statistics\": [\"Sum\", \"Sum\"]}", "statistics/1", "twice");
        assertRefused("{" + ok + ", \"statistics\": [\"Sum\"], \"period\": 90}", "period", "whole number of minutes");
        assertRefused("{" + ok + ", \"statistics\": [\"Sum\"], \"account\": \"12\"}", "account", "12-digit");
        assertRefused("{" + ok + ", \"statistics\": [\"Sum\"], \"since\": \"yesterday\"}", "since", "RFC 3339");
        assertRefused("{" + ok + ", \"statistics\": [\"Sum\"], \"since\": 2000, \"until\": 1000}", "until", "after since");
        assertRefused("{" + ok.replace("acme", "Acme") + ", \"statistics\": [\"Sum\"]}", "tenant", "a-z");
        assertRefused("{" + ok.replace("\"j\"", "\"a/b\"") + ", \"statistics\": [\"Sum\"]}", "id", "letters");
        assertRefused("{" + ok + ", \"statistics\": [\"Sum\"], \"dimensions\": {\"InstanceId\": \"" + "x".repeat(201)
                + "\"}}", "dimensions", "1-200 characters");
        assertRefused("{" + ok.replace("CPUUtilization", "M".repeat(190)) + ", \"statistics\": [\"Sum\"]}", "metric",
                "longer than 200");
        assertRefused("{\"id\": \"j\"}", "tenant", "is required");
        assertRefused("[1]", "", "JSON object");
        assertRefused("{", "", "not valid JSON");
    }

    @Test
    void aListIsAJsonArrayWithIdsUniquePerTenant() {
        String one = "{\"tenant\": \"acme\", \"id\": \"j\", \"namespace\": \"N\", \"metric\": \"M\", \"statistics\": [\"Sum\"]}";
        String other = one.replace("acme", "globex");
        assertEquals(2, jobs.parseList("[" + one + "," + other + "]").size());
        PayloadException twice = assertThrows(PayloadException.class, () -> jobs.parseList("[" + one + "," + one + "]"));
        assertEquals("1/id", twice.field());
        PayloadException nested = assertThrows(PayloadException.class,
                () -> jobs.parseList("[" + one + "," + one.replace("[\"Sum\"]", "[]") + "]"));
        assertEquals("1/statistics", nested.field());
        assertThrows(PayloadException.class, () -> jobs.parseList(one));
    }
}
