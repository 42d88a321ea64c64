package dev.arborist.dashboards;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The series names, label names and (where they are a closed set) label values that exist, and a check of
 * one selector against them.
 */
final class MetricCatalog {
    /** Labels Prometheus or the chart's ServiceMonitor attach at scrape time, on every series. */
    static final Set<String> TARGET_LABELS = Set.of("deployment", "instance", "job", "namespace", "pod", "service", "container", "endpoint");
    /** A regex that is only an alternation of plain words ("error|rejected") names values we can check. */
    private static final Pattern WORDS = Pattern.compile("[A-Za-z0-9_.-]+(\\|[A-Za-z0-9_.-]+)*");

    private final Map<String, Map<String, Set<String>>> series = new HashMap<>();

    /** Adds series: name -> label -> allowed values (an empty set: any value). */
    MetricCatalog with(Map<String, Map<String, Set<String>>> more) {
        more.forEach((name, labels) -> series.merge(name, labels, (a, b) -> {
            Map<String, Set<String>> both = new HashMap<>(a);
            both.putAll(b);
            return both;
        }));
        return this;
    }

    /** Adds names whose labels are not checked, e.g. recording rules. */
    MetricCatalog withNames(Iterable<String> names) {
        for (String name : names) {
            series.putIfAbsent(name, null);
        }
        return this;
    }

    boolean has(String name) {
        return series.containsKey(name);
    }

    /** What is wrong with {@code s}; empty when every name, label and enumerated value exists. */
    List<String> problems(PromQl.Selector s) {
        List<String> out = new ArrayList<>();
        if (s.metric() == null) {
            return List.of("selector without a metric name: " + s);
        }
        if (!series.containsKey(s.metric())) {
            return List.of("unknown metric " + s.metric());
        }
        Map<String, Set<String>> labels = series.get(s.metric());
        if (labels == null) {
            return out;
        }
        for (PromQl.LabelMatcher m : s.matchers()) {
            if (TARGET_LABELS.contains(m.label())) {
                continue;
            }
            Set<String> values = labels.get(m.label());
            if (values == null) {
                out.add(s.metric() + " has no label " + m.label() + " (it has " + labels.keySet() + ")");
            } else if (!values.isEmpty() && !m.op().startsWith("!") && WORDS.matcher(m.value()).matches()) {
                for (String v : m.value().split("\\|")) {
                    if (!values.contains(v)) {
                        out.add(s.metric() + "{" + m.label() + "} is never \"" + v + "\" (values: " + values + ")");
                    }
                }
            }
        }
        return out;
    }
}
