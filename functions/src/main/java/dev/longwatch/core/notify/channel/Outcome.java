package dev.longwatch.core.notify.channel;

/**
 * What a delivery attempt came to: sent; failed in a way a retry may fix (timeouts, 5xx, 429 with its
 * Retry-After); or failed for good (a 4xx the message cannot fix, a channel misconfigured). {@code error}
 * never carries a secret (no URLs, no tokens).
 *
 * @param externalRef what the destination calls the message (Slack {@code channel/ts}), or null
 */
public record Outcome(Status status, int httpStatus, long retryAfterMillis, String error, String externalRef) {
    public enum Status { SENT, RETRYABLE, PERMANENT }

    public static Outcome sent(int http, String ref) {
        return new Outcome(Status.SENT, http, 0, null, ref);
    }

    public static Outcome retryable(int http, long retryAfterMillis, String error) {
        return new Outcome(Status.RETRYABLE, http, retryAfterMillis, error, null);
    }

    public static Outcome permanent(int http, String error) {
        return new Outcome(Status.PERMANENT, http, 0, error, null);
    }

    public boolean sent() {
        return status == Status.SENT;
    }
}
