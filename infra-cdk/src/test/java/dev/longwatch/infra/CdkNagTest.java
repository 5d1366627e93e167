package dev.longwatch.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cdk-nag's AwsSolutions pack, applied exactly as `cdk synth` applies it (LongwatchApp.build). */
class CdkNagTest {

    private static List<String> findings(Installation i, boolean errors) {
        List<String> out = new ArrayList<>();
        SynthesisMessageLevel level = errors ? SynthesisMessageLevel.ERROR : SynthesisMessageLevel.WARNING;
        for (Stack s : i.stacks.all()) {
            for (SynthesisMessage m : i.messages(s)) {
                String text = String.valueOf(m.getEntry().getData());
                if (m.getLevel() == level && text.startsWith("AwsSolutions-")) {
                    out.add(m.getId() + ": " + text);
                }
            }
        }
        return out;
    }

    @Test
    void theAppPassesAwsSolutionsChecksWithDefaultsAndInProduction() {
        for (Installation i : List.of(Installation.defaults(), Installation.production(),
                Installation.archiveMinuteTier())) {
            assertEquals(List.of(), findings(i, true), "unsuppressed cdk-nag errors, stage " + i.stacks.config().stage());
            assertEquals(List.of(), findings(i, false), "cdk-nag warnings, stage " + i.stacks.config().stage());
        }
    }

    /** Each suppression explains itself, and names a finding that still exists (no stale excuses). */
    @Test
    @SuppressWarnings("unchecked")
    void everySuppressionCarriesASpecificReasonAndIsStillNeeded() throws Exception {
        Installation i = Installation.defaults();
        Map<String, Integer> suppressed = new TreeMap<>();
        for (Template t : i.templates().values()) {
            Map<String, Object> resources = t.toJSON().get("Resources") instanceof Map<?, ?> m
                    ? (Map<String, Object>) m : Map.of();
            for (Map.Entry<String, Object> r : resources.entrySet()) {
                Map<String, Object> meta = (Map<String, Object>) ((Map<String, Object>) r.getValue()).get("Metadata");
                Map<String, Object> nag = meta == null ? null : (Map<String, Object>) meta.get("cdk_nag");
                if (nag == null) {
                    continue;
                }
                // Counted once per rule and resource, as cdk-nag's report lists them (a policy may carry two
                // suppressions of one rule for different wildcards).
                Set<String> rulesHere = new TreeSet<>();
                for (Map<String, Object> s : (List<Map<String, Object>>) nag.get("rules_to_suppress")) {
                    String reason = String.valueOf(s.get("reason"));
                    assertTrue(reason.length() >= 80, "too thin a reason for " + s.get("id") + ": " + reason);
                    assertFalse(reason.matches("(?i).*\\b(todo|tbd|n/a|fixme|suppress(ed)?)\\b.*"),
                            "not a reason: " + reason);
                    if (rulesHere.add((String) s.get("id"))) {
                        suppressed.merge((String) s.get("id"), 1, Integer::sum);
                    }
                }
            }
        }
        assertFalse(suppressed.isEmpty(), "expected the documented suppressions (APIG4, L1, SQS3)");

        // cdk-nag's reports list every suppression it applied; one that applied to nothing is stale.
        Set<String> appliedRows = new TreeSet<>();
        try (var reports = Files.list(Path.of(i.assembly.getDirectory()))) {
            for (Path report : reports.filter(p -> p.getFileName().toString().endsWith("-NagReport.csv")).toList()) {
                for (String line : Files.readAllLines(report)) {
                    String[] cells = line.split("\",\"");
                    if (cells.length > 2 && cells[2].equals("Suppressed")) {
                        appliedRows.add(cells[0].replace("\"", "") + " " + cells[1]);
                    }
                }
            }
        }
        Map<String, Integer> applied = new TreeMap<>();
        appliedRows.forEach(row -> applied.merge(row.substring(0, row.indexOf(' ')), 1, Integer::sum));
        assertEquals(suppressed, applied);
    }
}
