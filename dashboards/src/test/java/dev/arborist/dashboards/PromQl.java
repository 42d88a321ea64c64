package dev.arborist.dashboards;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to find the series an expression reads: metric selectors with their label
 * matchers, and range windows. Syntax errors are promtool's job ({@link Promtool}); this scanner only has
 * to tell names from functions, keywords, numbers, durations and Grafana variables.
 */
final class PromQl {
    /** Functions that take a grouping clause before their argument: {@code sum by (le) (...)}. */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
            "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Keywords followed by a parenthesised label list. */
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");
    private static final Pattern MATCHER = Pattern.compile(
            "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`)\\s*(?:,|$)");

    private PromQl() {}

    /** One label matcher, {@code value} without its quotes. */
    record LabelMatcher(String label, String op, String value) {}

    /** A vector selector; {@code metric} is null for a bare {@code {...}} selector. */
    record Selector(String metric, List<LabelMatcher> matchers) {
        boolean matches(String label, String op, String value) {
            return matchers.stream().anyMatch(m -> m.label().equals(label) && m.op().equals(op) && m.value().equals(value));
        }

        /** The selector as PromQL again; values go back between double quotes, as the dashboards and rules write them. */
        String text() {
            StringBuilder out = new StringBuilder(metric == null ? "" : metric);
            if (!matchers.isEmpty() || metric == null) {
                out.append('{');
                for (int i = 0; i < matchers.size(); i++) {
                    LabelMatcher m = matchers.get(i);
                    out.append(i == 0 ? "" : ", ").append(m.label()).append(m.op()).append('"').append(m.value()).append('"');
                }
                out.append('}');
            }
            return out.toString();
        }
    }

    /** Every vector selector in {@code expr}, in order. */
    static List<Selector> selectors(String expr) {
        List<Selector> out = new ArrayList<>();
        int n = expr.length();
        int i = 0;
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = afterString(expr, i);
            } else if (c == '[') {
                i = after(expr, i, ']');
            } else if (c == '{') {
                int end = after(expr, i, '}');
                out.add(new Selector(null, matchers(expr.substring(i + 1, end - 1))));
                i = end;
            } else if (c == '$') {
                i = afterVariable(expr, i);
            } else if (Character.isDigit(c) || c == '.') {
                i = afterNumber(expr, i);
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && isNamePart(expr.charAt(i))) {
                    i++;
                }
                String word = expr.substring(start, i);
                int next = skipSpaces(expr, i);
                boolean call = next < n && expr.charAt(next) == '(';
                if (GROUPING.contains(word)) {
                    i = call ? after(expr, next, ')') : i;
                } else if (KEYWORDS.contains(word.toLowerCase(Locale.ROOT)) || AGGREGATIONS.contains(word) || call) {
                    continue; // a function, an aggregation or an operator; its argument is scanned next
                } else if (next < n && expr.charAt(next) == '{') {
                    int end = after(expr, next, '}');
                    out.add(new Selector(word, matchers(expr.substring(next + 1, end - 1))));
                    i = end;
                } else {
                    out.add(new Selector(word, List.of()));
                }
            } else {
                i++;
            }
        }
        return out;
    }

    /** The contents of every range or subquery window, e.g. {@code 5m} or {@code $__rate_interval}. */
    static List<String> rangeWindows(String expr) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = afterString(expr, i);
            } else if (c == '[') {
                int end = after(expr, i, ']');
                out.add(expr.substring(i + 1, end - 1).trim());
                i = end;
            } else {
                i++;
            }
        }
        return out;
    }

    private static List<LabelMatcher> matchers(String body) {
        List<LabelMatcher> out = new ArrayList<>();
        Matcher m = MATCHER.matcher(body);
        int at = 0;
        while (at < body.length() && m.find(at) && m.start() == at) {
            String quoted = m.group(3);
            out.add(new LabelMatcher(m.group(1), m.group(2), quoted.substring(1, quoted.length() - 1)));
            at = m.end();
        }
        if (!body.substring(at).isBlank()) {
            throw new IllegalArgumentException("cannot read label matchers {" + body + "}");
        }
        return out;
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Index after the first {@code close} at or after {@code open}, skipping quoted strings. */
    private static int after(String s, int open, char close) {
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == close) {
                return i + 1;
            }
            i = c == '"' || c == '\'' || c == '`' ? afterString(s, i) : i + 1;
        }
        throw new IllegalArgumentException("unclosed '" + s.charAt(open) + "' at " + open + " in: " + s);
    }

    private static int afterString(String s, int open) {
        char quote = s.charAt(open);
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unclosed string at " + open + " in: " + s);
    }

    private static int afterVariable(String s, int dollar) {
        if (dollar + 1 < s.length() && s.charAt(dollar + 1) == '{') {
            return after(s, dollar + 1, '}');
        }
        int i = dollar + 1;
        while (i < s.length() && isNamePart(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Numbers, including exponents (1e-9) and durations (5m, 1h30m). */
    private static int afterNumber(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            boolean exponentSign = (c == '-' || c == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E');
            if (!Character.isLetterOrDigit(c) && c != '.' && !exponentSign) {
                return i;
            }
            i++;
        }
        return i;
    }
}
