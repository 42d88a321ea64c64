package dev.arborist.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The demo's result: a JSON report (the fields a CI job or a person compares between runs) and a
 * PNG beside it showing p95 latency against the SLO, with the rung the agent chose, over time.
 */
public record DemoReport(String scenario, double durationSeconds, long requests, long failedRequests, long swaps,
        double sloSeconds, double sloAttainment, double sloAttainmentAfterConvergence, double convergenceSeconds,
        double finalPerplexityRatio, long driftEvents, List<Timeline.Point> timeline) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode()
                .put("scenario", scenario)
                .put("duration_seconds", durationSeconds)
                .put("requests", requests)
                .put("failed_requests", failedRequests)
                .put("swaps", swaps)
                .put("slo_p95_e2e_seconds", sloSeconds);
        number(root, "slo_attainment", sloAttainment);
        number(root, "slo_attainment_after_convergence", sloAttainmentAfterConvergence);
        number(root, "convergence_seconds", convergenceSeconds);
        number(root, "final_perplexity_ratio", finalPerplexityRatio);
        root.put("drift_events", driftEvents);
        ArrayNode points = root.putArray("timeline");
        for (Timeline.Point p : timeline) {
            ObjectNode n = points.addObject().put("t", p.endSeconds()).put("offered_rps", p.offeredRate()).put("completed", p.completed())
                    .put("failed", p.failed()).put("rung", p.rung()).put("swaps", p.swaps());
            number(n, "p95_seconds", p.p95Seconds());
            number(n, "sparsity", p.sparsity());
            number(n, "quality_ratio", p.qualityRatio());
            number(n, "drift_score", p.driftScore());
        }
        return root;
    }

    /** Writes {@code file} (JSON) and the chart beside it ({@code file} with .png). @return the chart's path */
    public Path write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
        String name = file.getFileName().toString();
        Path png = parent.resolve((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".png");
        BitmapEncoder.saveBitmap(chart(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return png;
    }

    private XYChart chart() {
        XYChart chart = new XYChartBuilder().width(1000).height(560)
                .title("arborist demo: " + scenario + " (p95 within SLO in " + percent(sloAttainment) + " of windows)")
                .xAxisTitle("seconds").yAxisTitle("p95 end-to-end latency (s)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        List<Timeline.Point> measured = timeline.stream().filter(p -> !Double.isNaN(p.p95Seconds())).toList();
        if (measured.isEmpty()) {
            return chart;
        }
        double[] t = measured.stream().mapToDouble(Timeline.Point::endSeconds).toArray();
        chart.addSeries("p95 e2e", t, measured.stream().mapToDouble(Timeline.Point::p95Seconds).toArray()).setMarker(SeriesMarkers.CIRCLE);
        XYSeries slo = chart.addSeries("SLO", t, measured.stream().mapToDouble(Timeline.Point::sloSeconds).toArray());
        slo.setMarker(SeriesMarkers.NONE);
        slo.setLineColor(Color.RED);
        slo.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        XYSeries rung = chart.addSeries("rung (0 = dense)", t, measured.stream().mapToDouble(Timeline.Point::rung).toArray());
        rung.setYAxisGroup(1);
        rung.setMarker(SeriesMarkers.NONE);
        rung.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        chart.setYAxisGroupTitle(1, "rung");
        return chart;
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format("%.0f%%", 100 * share);
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
