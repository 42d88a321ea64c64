package dev.arborist.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One scrape of a Prometheus text exposition ({@code /metrics}), parsed into samples. The demo
 * reads its status line from the same endpoints a Prometheus server would, not from inside the
 * processes.
 */
public final class PrometheusText {
    /** One sample line: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText scrape(HttpClient http, URI metrics) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(metrics + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    public static PrometheusText parse(String exposition) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line.strip()));
            }
        }
        return new PrometheusText(samples);
    }

    /** Sum over the samples named {@code name} whose labels include {@code labels}; empty when none match. */
    public OptionalDouble sum(String name, Map<String, String> labels) {
        boolean any = false;
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                any = true;
                total += s.value();
            }
        }
        return any ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    public OptionalDouble sum(String name) {
        return sum(name, Map.of());
    }

    /** The label values of the samples named {@code name}, e.g. the served plan id of arborist_model_info. */
    public List<Map<String, String>> labelsOf(String name) {
        return samples(name).stream().map(Sample::labels).toList();
    }

    /** The samples named {@code name}, one per label set, in exposition order. */
    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        if (brace < 0 || brace > space) {
            return new Sample(line.substring(0, space), Map.of(), Double.parseDouble(line.substring(space + 1)));
        }
        int close = line.lastIndexOf('}');
        return new Sample(line.substring(0, brace), labels(line.substring(brace + 1, close)), Double.parseDouble(line.substring(close + 1).strip()));
    }

    /** {@code a="x",b="y"}; values may hold escaped quotes and commas. */
    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            String key = text.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (text.charAt(j) != '"') {
                if (text.charAt(j) == '\\') {
                    j++;
                    value.append(text.charAt(j) == 'n' ? '\n' : text.charAt(j));
                } else {
                    value.append(text.charAt(j));
                }
                j++;
            }
            labels.put(key, value.toString());
            i = text.indexOf(',', j) < 0 ? text.length() : text.indexOf(',', j) + 1;
        }
        return labels;
    }
}
