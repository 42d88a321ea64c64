package dev.arborist.dashboards;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a Prometheus text exposition into the shape {@link MetricCatalog} checks against. */
final class Exposition {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Exposition() {}

    /**
     * Series name -> label -> values: the values seen for {@code enumerated} labels (those a process registers
     * up front, so every value is in the exposition), any value (an empty set) for the rest.
     */
    static Map<String, Map<String, Set<String>>> parse(String exposition, Set<String> enumerated) {
        Map<String, Map<String, Set<String>>> out = new HashMap<>();
        for (String line : exposition.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, Set<String>> labels = out.computeIfAbsent(sample.group(1), k -> new HashMap<>());
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    Set<String> values = labels.computeIfAbsent(label.group(1), k -> new HashSet<>());
                    if (enumerated.contains(label.group(1))) {
                        values.add(label.group(2));
                    }
                }
            }
        }
        return out;
    }
}
