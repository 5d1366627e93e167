package dev.longwatch.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/**
 * One notification to one channel, as the delivery log keeps it: what was sent, and where it stands.
 *
 * @param id        sortable and deterministic ({@code <13-digit scheduled ms>-<hash>}), so a retried notifier run
 *                  finds the claim of the first and never sends twice
 * @param status    pending (claimed, sending), sent, retrying, failed (dead-lettered after the last attempt or
 *                  refused for good), summarized (collapsed into a storm summary)
 * @param notice    the notice JSON, kept while the delivery may still be retried
 * @param externalRef what the destination calls the message (Slack channel/ts) for later updates
 */
public record Delivery(String id, String tenant, String channelId, String channelType, String kind, String groupId,
                       List<String> alertIds, String title, String status, int attempts, String lastError,
                       Integer lastHttpStatus, long createdAt, long updatedAt, Long nextAttemptAt, String notice,
                       String externalRef) {

    public static final String PENDING = "pending", SENT = "sent", RETRYING = "retrying", FAILED = "failed",
            SUMMARIZED = "summarized";

    public Delivery with(String status, int attempts, String error, Integer http, long now, Long next, String ref) {
        return new Delivery(id, tenant, channelId, channelType, kind, groupId, alertIds, title, status, attempts, error,
                http, createdAt, now, next, SENT.equals(status) || FAILED.equals(status) ? null : notice,
                ref == null ? externalRef : ref);
    }

    public String toStored() {
        ObjectNode o = toJson();
        o.put("createdAt", createdAt);
        o.put("updatedAt", updatedAt);
        if (nextAttemptAt != null) {
            o.put("nextAttemptAt", nextAttemptAt);
        }
        if (notice != null) {
            o.put("notice", notice);
        }
        if (externalRef != null) {
            o.put("externalRef", externalRef);
        }
        return o.toString();
    }

    public static Delivery fromStored(String json) {
        JsonNode o = Json.parse(json);
        return new Delivery(o.get("id").asText(), o.get("tenant").asText(), o.get("channelId").asText(),
                o.get("channelType").asText(), o.get("kind").asText(), o.path("groupId").asText(null),
                Json.strings(o, "alertIds", 100_000), o.path("title").asText(), o.get("status").asText(),
                o.path("attempts").asInt(), o.path("lastError").asText(null),
                o.hasNonNull("lastHttpStatus") ? o.get("lastHttpStatus").asInt() : null, o.path("createdAt").asLong(),
                o.path("updatedAt").asLong(), o.hasNonNull("nextAttemptAt") ? o.get("nextAttemptAt").asLong() : null,
                o.path("notice").asText(null), o.path("externalRef").asText(null));
    }

    /** The API's view (GET /v1/notifications): no notice body, no secrets. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("tenant", tenant);
        o.put("channelId", channelId);
        o.put("channelType", channelType);
        o.put("kind", kind);
        if (groupId != null) {
            o.put("groupId", groupId);
        }
        Json.putStrings(o, "alertIds", alertIds);
        o.put("title", title);
        o.put("status", status);
        o.put("attempts", attempts);
        if (lastError != null) {
            o.put("lastError", lastError);
        }
        if (lastHttpStatus != null) {
            o.put("lastHttpStatus", lastHttpStatus);
        }
        o.put("createdAt", Instant.ofEpochMilli(createdAt).toString());
        o.put("updatedAt", Instant.ofEpochMilli(updatedAt).toString());
        if (nextAttemptAt != null) {
            o.put("nextAttemptAt", Instant.ofEpochMilli(nextAttemptAt).toString());
        }
        return o;
    }
}
