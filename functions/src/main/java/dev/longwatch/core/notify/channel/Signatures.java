package dev.longwatch.core.notify.channel;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** HMAC-SHA256 signatures (generic webhook, action webhook, Slack requests, action links). */
public final class Signatures {
    private Signatures() {
    }

    public static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
        }
    }

    public static String hmacHex(String key, String data) {
        return HexFormat.of().formatHex(hmac(key.getBytes(StandardCharsets.UTF_8), data));
    }

    /** The generic webhook's signature header value: {@code v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>}. */
    public static String webhook(String secret, long timestampSeconds, String body) {
        return "v1=" + hmacHex(secret, timestampSeconds + "." + body);
    }

    public static boolean equal(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
