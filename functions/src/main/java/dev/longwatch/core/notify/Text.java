package dev.longwatch.core.notify;

/** Cutting text to a destination's limits without breaking a surrogate pair. */
public final class Text {
    private Text() {
    }

    public static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        if (s.length() <= max) {
            return s;
        }
        int end = Math.max(0, max - 1);
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }

    /** Escapes Slack mrkdwn's control characters. */
    public static String slack(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
