package dev.arborist.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes a sweep as sweep.md (table), sweep.json and sweep.png (perplexity against sparsity per method). */
final class SweepReport {
    private final SweepRow dense;
    private final List<SweepRow> rows;

    SweepReport(SweepRow dense, List<SweepRow> rows) {
        this.dense = dense;
        this.rows = rows;
    }

    void write(Path dir, String title) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("sweep.md"), markdown(title), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("sweep.json"), json().toPrettyString(), StandardCharsets.UTF_8);
        BitmapEncoder.saveBitmap(chart(title), dir.resolve("sweep.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    String markdown(String title) {
        StringBuilder md = new StringBuilder("### " + title + "\n\n");
        md.append("| method | pattern | target | zeros in pruned tensors | model sparsity | perplexity | ratio to dense | parameters "
                + "| decode tok/s (batch 8) | decode speed-up | seconds |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<SweepRow> all = new ArrayList<>();
        all.add(dense);
        all.addAll(rows);
        for (SweepRow r : all) {
            md.append(String.format("| %s | %s | %.2f | %.3f | %.3f | %.2f | %.3f | %,d | %s | %s | %.1f |%n", r.method(), r.pattern(),
                    r.targetSparsity(), r.sparsity(), r.modelSparsity(), r.perplexity(), r.perplexityRatio(), r.parameters(),
                    orDash("%.0f", r.decodeTokensPerSecond()), orDash("%.2fx", r.decodeSpeedup()), r.seconds()));
        }
        return md.toString();
    }

    private static String orDash(String format, double value) {
        return Double.isNaN(value) ? "-" : String.format(format, value);
    }

    private ObjectNode json() {
        ObjectNode root = Json.object();
        root.set("dense", row(dense));
        ArrayNode list = root.putArray("rows");
        rows.forEach(r -> list.add(row(r)));
        return root;
    }

    private static ObjectNode row(SweepRow r) {
        ObjectNode o = Json.object();
        o.put("method", r.method());
        o.put("pattern", r.pattern());
        o.put("target_sparsity", r.targetSparsity());
        o.put("sparsity", r.sparsity());
        o.put("model_sparsity", r.modelSparsity());
        o.put("perplexity", r.perplexity());
        o.put("perplexity_ratio", r.perplexityRatio());
        o.put("parameters", r.parameters());
        if (!Double.isNaN(r.decodeTokensPerSecond())) {
            o.put("decode_tokens_per_second_batch8", r.decodeTokensPerSecond());
            o.put("decode_speedup_batch8", r.decodeSpeedup());
        }
        o.put("seconds", r.seconds());
        return o;
    }

    private XYChart chart(String title) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("model sparsity (share of parameters zero or removed)").yAxisTitle("held-out perplexity").build();
        double lowest = rows.stream().mapToDouble(SweepRow::perplexity).min().orElse(dense.perplexity());
        double highest = rows.stream().mapToDouble(SweepRow::perplexity).max().orElse(dense.perplexity());
        // A log axis only helps across orders of magnitude; within one it would show no tick labels.
        chart.getStyler().setYAxisLogarithmic(highest / Math.min(lowest, dense.perplexity()) > 10);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        Map<String, List<SweepRow>> series = new LinkedHashMap<>();
        rows.forEach(r -> series.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r));
        double maxX = 0.05;
        for (Map.Entry<String, List<SweepRow>> s : series.entrySet()) {
            double[] x = s.getValue().stream().mapToDouble(SweepRow::modelSparsity).toArray();
            double[] y = s.getValue().stream().mapToDouble(SweepRow::perplexity).toArray();
            for (double v : x) {
                maxX = Math.max(maxX, v);
            }
            chart.addSeries(s.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        chart.addSeries("dense", new double[] {0, maxX}, new double[] {dense.perplexity(), dense.perplexity()})
                .setMarker(SeriesMarkers.NONE);
        return chart;
    }
}
