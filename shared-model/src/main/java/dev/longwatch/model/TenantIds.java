package dev.longwatch.model;

/** Tenant ids: 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit. */
public final class TenantIds {
    private TenantIds() {
    }

    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > 63) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
