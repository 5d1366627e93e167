package dev.longwatch.model;

/**
 * Something that happened at a moment: a deploy, a config change, an incident, a note.
 * {@code id} is assigned at ingest and travels with the event, so redelivery stores it once.
 */
public record Event(String id, String title, String kind, long time, Tags tags, String text, String source,
                    String link) {
}
