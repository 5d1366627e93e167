package dev.longwatch.core.notify.chat;

import dev.longwatch.core.notify.channel.Signatures;

/**
 * Slack's request signing (v0): {@code X-Slack-Signature = v0=hex(HMAC-SHA256(signingSecret, "v0:" + timestamp +
 * ":" + rawBody))} with {@code X-Slack-Request-Timestamp} at most 5 minutes from now. Replays (the same signature
 * twice) are refused by the caller through a once-only marker.
 */
public final class SlackSignature {
    public static final long WINDOW_SECONDS = 300;

    private SlackSignature() {
    }

    public enum Verdict { OK, MISSING, STALE, BAD }

    public static String sign(String secret, long timestamp, String body) {
        return "v0=" + Signatures.hmacHex(secret, "v0:" + timestamp + ":" + body);
    }

    public static Verdict verify(String secret, String timestampHeader, String signatureHeader, String body,
                                 long nowMillis) {
        if (secret == null || timestampHeader == null || signatureHeader == null) {
            return Verdict.MISSING;
        }
        long ts;
        try {
            ts = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return Verdict.BAD;
        }
        if (Math.abs(nowMillis / 1000 - ts) > WINDOW_SECONDS) {
            return Verdict.STALE;
        }
        return Signatures.equal(sign(secret, ts, body), signatureHeader.trim()) ? Verdict.OK : Verdict.BAD;
    }
}
