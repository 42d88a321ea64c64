package dev.arborist.dashboards;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Grafana's variable substitution in a query, as far as the dashboards use it: {@code $name} and {@code ${name}}. */
final class GrafanaVariables {
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z0-9_]+)}|([A-Za-z0-9_]+))");

    private GrafanaVariables() {}

    /**
     * {@code expr} with every variable replaced by its value in {@code values} (keys without the {@code $}).
     *
     * @throws IllegalArgumentException when a variable has no value, naming it
     */
    static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no value for the Grafana variable $" + name + " in: " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
