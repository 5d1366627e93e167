package dev.longwatch.core.auth;

/**
 * Who made a request: the tenant, and a subject for audit entries ({@code key:<first 8 of the key id>}). The
 * subject never contains the key's secret.
 */
public record Principal(String tenant, String subject) {
    public static Principal ofKey(String tenant, String keyId) {
        return new Principal(tenant, "key:" + (keyId.length() > 8 ? keyId.substring(0, 8) : keyId));
    }
}
