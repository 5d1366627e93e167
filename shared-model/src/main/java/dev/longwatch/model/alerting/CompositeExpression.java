package dev.longwatch.model.alerting;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A composite monitor's expression: monitor ids combined with {@code &&}, {@code ||}, {@code !} and parentheses
 * ({@code mon_a && (mon_b || !mon_c)}). An id is true when that monitor has an instance FIRING.
 */
public final class CompositeExpression {
    private sealed interface Node permits Id, Not, And, Or {
    }

    private record Id(String id) implements Node {
    }

    private record Not(Node inner) implements Node {
    }

    private record And(Node left, Node right) implements Node {
    }

    private record Or(Node left, Node right) implements Node {
    }

    private final Node root;
    private final Set<String> ids;

    private CompositeExpression(Node root, Set<String> ids) {
        this.root = root;
        this.ids = Set.copyOf(ids);
    }

    /** Parses the expression; throws {@link IllegalArgumentException} saying what is wrong and where. */
    public static CompositeExpression parse(String text) {
        Parser p = new Parser(text);
        Node n = p.or();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw new IllegalArgumentException("unexpected \"" + text.charAt(p.pos) + "\" at position " + p.pos);
        }
        return new CompositeExpression(n, p.ids);
    }

    /** The monitor ids the expression names. */
    public Set<String> ids() {
        return ids;
    }

    public boolean evaluate(Predicate<String> firing) {
        return eval(root, firing);
    }

    private static boolean eval(Node n, Predicate<String> firing) {
        return switch (n) {
            case Id i -> firing.test(i.id());
            case Not x -> !eval(x.inner(), firing);
            case And a -> eval(a.left(), firing) && eval(a.right(), firing);
            case Or o -> eval(o.left(), firing) || eval(o.right(), firing);
        };
    }

    private static final class Parser {
        final String s;
        int pos;
        final Set<String> ids = new LinkedHashSet<>();

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        boolean eat(String token) {
            skipSpace();
            if (s.startsWith(token, pos)) {
                pos += token.length();
                return true;
            }
            return false;
        }

        Node or() {
            Node left = and();
            while (eat("||")) {
                left = new Or(left, and());
            }
            return left;
        }

        Node and() {
            Node left = unary();
            while (eat("&&")) {
                left = new And(left, unary());
            }
            return left;
        }

        Node unary() {
            if (eat("!")) {
                return new Not(unary());
            }
            if (eat("(")) {
                Node n = or();
                if (!eat(")")) {
                    throw new IllegalArgumentException("missing \")\" at position " + pos);
                }
                return n;
            }
            skipSpace();
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_'
                    || s.charAt(pos) == '-')) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException(pos < s.length()
                        ? "expected a monitor id at position " + pos + ", found \"" + s.charAt(pos) + "\""
                        : "expected a monitor id at the end");
            }
            String id = s.substring(start, pos);
            ids.add(id);
            return new Id(id);
        }
    }
}
