package dev.longwatch.model;

/** Character rules for metric names, tag keys and event kinds (checked by hand: this is the hot path). */
public final class Names {
    private Names() {
    }

    /** Letters, digits, {@code _ . - / :}; starts with a letter or underscore. */
    public static boolean isValidName(String s, int maxLength) {
        int n = s.length();
        if (n == 0 || n > maxLength) {
            return false;
        }
        char c0 = s.charAt(0);
        if (!(isAsciiLetter(c0) || c0 == '_')) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' || c == '/'
                    || c == ':')) {
                return false;
            }
        }
        return true;
    }

    /** Any text without control characters, 1..maxLength characters. */
    public static boolean isValidValue(String s, int maxLength) {
        int n = s.length();
        if (n == 0 || n > maxLength) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
