package dev.longwatch.core.notify.mute;

import dev.longwatch.model.PayloadException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher in Alertmanager's text form: {@code service=checkout}, {@code env!=staging},
 * {@code severity=~warning|info}, {@code host!~canary-.*}. Regular expressions are anchored (match the whole value).
 * A label the alert lacks has the value "".
 */
public record LabelMatcher(String label, Op op, String value, Pattern pattern) {
    public enum Op {
        EQ("="), NE("!="), RE("=~"), NRE("!~");
        final String text;

        Op(String text) {
            this.text = text;
        }
    }

    public static LabelMatcher parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new PayloadException(field, "a matcher is required, e.g. service=checkout");
        }
        String t = text.trim();
        int i = -1;
        Op op = null;
        for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            if (c == '=' || c == '!') {
                i = k;
                if (c == '!' && k + 1 < t.length() && t.charAt(k + 1) == '=') {
                    op = Op.NE;
                } else if (c == '!' && k + 1 < t.length() && t.charAt(k + 1) == '~') {
                    op = Op.NRE;
                } else if (c == '=' && k + 1 < t.length() && t.charAt(k + 1) == '~') {
                    op = Op.RE;
                } else if (c == '=') {
                    op = Op.EQ;
                }
                break;
            }
        }
        if (op == null || i <= 0) {
            throw new PayloadException(field, "\"" + text + "\" is not a matcher; use label=value, label!=value, "
                    + "label=~regex or label!~regex");
        }
        String label = t.substring(0, i).trim();
        String value = t.substring(i + op.text.length()).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        Pattern p = null;
        if (op == Op.RE || op == Op.NRE) {
            try {
                p = Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new PayloadException(field, "\"" + value + "\" is not a valid regular expression");
            }
        }
        return new LabelMatcher(label, op, value, p);
    }

    public static List<LabelMatcher> parseAll(String field, List<String> texts) {
        List<LabelMatcher> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            out.add(parse(field + "[" + i + "]", texts.get(i)));
        }
        return out;
    }

    public boolean matches(Map<String, String> labels) {
        String v = labels.getOrDefault(label, "");
        return switch (op) {
            case EQ -> v.equals(value);
            case NE -> !v.equals(value);
            case RE -> pattern.matcher(v).matches();
            case NRE -> !pattern.matcher(v).matches();
        };
    }

    public static boolean all(List<LabelMatcher> matchers, Map<String, String> labels) {
        for (LabelMatcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return label + op.text + value;
    }
}
