package dev.arborist.cli.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The demo's chart: p95 end-to-end latency per control window against the SLO line, for one run
 * (with its served rung on a second axis) or several runs of the same load side by side.
 */
public final class LatencyChart {
    private final XYChart chart;

    public LatencyChart(String title) {
        chart = new XYChartBuilder().width(1000).height(560).title(title).xAxisTitle("seconds").yAxisTitle("p95 end-to-end latency (s)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    }

    /** Adds a run's p95 per window (windows without a finished request are left out). */
    public LatencyChart p95(String name, List<Timeline.Point> timeline) {
        List<Timeline.Point> measured = measured(timeline);
        if (!measured.isEmpty()) {
            chart.addSeries(name, times(measured), measured.stream().mapToDouble(Timeline.Point::p95Seconds).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        return this;
    }

    /** Adds the SLO of a run's windows as a dashed red line. */
    public LatencyChart slo(List<Timeline.Point> timeline) {
        List<Timeline.Point> measured = measured(timeline);
        if (!measured.isEmpty()) {
            XYSeries slo = chart.addSeries("SLO", times(measured), measured.stream().mapToDouble(Timeline.Point::sloSeconds).toArray());
            slo.setMarker(SeriesMarkers.NONE);
            slo.setLineColor(Color.RED);
            slo.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        }
        return this;
    }

    /** Adds the rung served in each window as steps on a second y axis. */
    public LatencyChart rung(String name, List<Timeline.Point> timeline) {
        List<Timeline.Point> measured = measured(timeline);
        if (!measured.isEmpty()) {
            XYSeries rung = chart.addSeries(name, times(measured), measured.stream().mapToDouble(Timeline.Point::rung).toArray());
            rung.setYAxisGroup(1);
            rung.setMarker(SeriesMarkers.NONE);
            rung.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            chart.setYAxisGroupTitle(1, "rung");
        }
        return this;
    }

    public void save(Path png) throws IOException {
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static List<Timeline.Point> measured(List<Timeline.Point> timeline) {
        return timeline.stream().filter(p -> !Double.isNaN(p.p95Seconds())).toList();
    }

    private static double[] times(List<Timeline.Point> points) {
        return points.stream().mapToDouble(Timeline.Point::endSeconds).toArray();
    }
}
