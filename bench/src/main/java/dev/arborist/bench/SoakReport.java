package dev.arborist.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The soak's table, chart and verdict. Bounds: no 5xx and no failed request at all; resident
 * memory at the end at most {@value #RSS_GROWTH_BOUND} above its value at the baseline (minute 2,
 * or half-way through a run shorter than 4 minutes: start-up and first swaps are over by then);
 * the median of the per-interval p99s over the last third of the steady run at most
 * {@value #P99_BOUND}x the median over its first third. Medians of many intervals: one interval's p99
 * rests on a couple of requests, and a bound on it would judge the machine's noise, not a drift.
 */
final class SoakReport {
    static final double RSS_GROWTH_BOUND = 0.15;
    static final double P99_BOUND = 1.25;
    private static final double BASELINE_SECONDS = 120;
    private static final double MIB = 1 << 20;

    /**
     * One sampling interval, ending {@code seconds} after the load started.
     *
     * @param failed requests that did not get a 200 (status or broken connection), as the clients saw them
     * @param server5xx 5xx answers the server's HTTP meters counted in the interval
     * @param swaps swaps done since the start (200 from /admin/plan)
     */
    record Row(double seconds, int requests, int failed, double p50, double p99, long server5xx, long rssBytes, long heapAfterGcBytes,
               long heapCommittedBytes, int swaps) {}

    /** What the run was: for the header of the report. */
    record Setup(String model, double minutes, double swapEverySeconds, int concurrency, int tokens, List<String> plans) {}

    private SoakReport() {}

    static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder("| t s | requests | failed | 5xx | p50 s | p99 s | RSS MiB | heap after GC MiB | swaps |\n");
        t.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            t.append(String.format("| %.0f | %d | %d | %d | %.2f | %.2f | %.0f | %.0f | %d |%n", r.seconds(), r.requests(), r.failed(),
                    r.server5xx(), r.p50(), r.p99(), r.rssBytes() / MIB, r.heapAfterGcBytes() / MIB, r.swaps()));
        }
        return t.toString();
    }

    /** The verdict lines; {@code passed[0]} is set to whether every bound holds. */
    static String verdict(List<Row> rows, double sampleSeconds, boolean[] passed) {
        long errors = rows.stream().mapToLong(r -> r.server5xx() + r.failed()).sum();
        long server5xx = rows.stream().mapToLong(Row::server5xx).sum();
        double totalSeconds = rows.get(rows.size() - 1).seconds();
        double baselineAt = Math.min(BASELINE_SECONDS, totalSeconds / 2);
        int base = firstAtOrAfter(rows, baselineAt);
        Row first = rows.get(base);
        Row last = rows.get(rows.size() - 1);
        double growth = (double) (last.rssBytes() - first.rssBytes()) / first.rssBytes();
        double nonHeapGrowth = ((last.rssBytes() - last.heapCommittedBytes()) - (first.rssBytes() - first.heapCommittedBytes())) / MIB;
        int third = Math.max(1, (rows.size() - base) / 3);
        List<Row> early = rows.subList(base, Math.min(rows.size(), base + third));
        List<Row> late = rows.subList(Math.max(base, rows.size() - third), rows.size());
        double steadyP99 = medianP99(early);
        double lastP99 = medianP99(late);
        boolean ok1 = errors == 0;
        boolean ok2 = growth <= RSS_GROWTH_BOUND;
        boolean ok3 = lastP99 <= P99_BOUND * steadyP99;
        passed[0] = ok1 && ok2 && ok3;
        return String.format("- errors: %d 5xx, %d failed requests (bound: 0) -> %s%n", server5xx, errors - server5xx, ok1 ? "PASS" : "FAIL")
                + String.format("- RSS: %.0f MiB at %.0f s -> %.0f MiB at %.0f s, %+.1f%% (bound: +%.0f%%; outside the heap: %+.0f MiB) -> %s%n",
                        first.rssBytes() / MIB, first.seconds(), last.rssBytes() / MIB, last.seconds(), 100 * growth, 100 * RSS_GROWTH_BOUND,
                        nonHeapGrowth, ok2 ? "PASS" : "FAIL")
                + String.format("- p99, median of the %.0f s intervals: %.2f s over %.0f-%.0f s, %.2f s over %.0f-%.0f s: %.2fx"
                                + " (bound: %.2fx; worst interval %.2f s) -> %s%n", sampleSeconds, steadyP99, early.get(0).seconds() - sampleSeconds,
                        early.get(early.size() - 1).seconds(), lastP99, late.get(0).seconds() - sampleSeconds, last.seconds(),
                        lastP99 / steadyP99, P99_BOUND, rows.stream().skip(base).mapToDouble(Row::p99).max().orElse(Double.NaN),
                        ok3 ? "PASS" : "FAIL")
                + String.format("- verdict: %s%n", passed[0] ? "PASS" : "FAIL");
    }

    private static double medianP99(List<Row> rows) {
        return Stats.median(rows.stream().mapToDouble(Row::p99).filter(v -> !Double.isNaN(v)).toArray());
    }

    private static int firstAtOrAfter(List<Row> rows, double seconds) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).seconds() >= seconds) {
                return i;
            }
        }
        return rows.size() - 1;
    }

    static void write(Path out, String name, Setup setup, List<Row> rows, String verdict) throws IOException {
        Files.createDirectories(out);
        String md = "### Soak: " + setup.model() + ", " + setup.minutes() + " min, concurrency " + setup.concurrency() + ", "
                + setup.tokens() + " tokens per request, a swap every " + setup.swapEverySeconds() + " s between " + setup.plans() + "\n\n"
                + table(rows) + "\n" + verdict + "\n![RSS and p99 over time](" + name + ".png)\n";
        Files.writeString(out.resolve(name + ".md"), md);
        BitmapEncoder.saveBitmap(chart(setup, rows), out.resolve(name + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** RSS (left axis) and p99 (right axis) against time. */
    private static XYChart chart(Setup setup, List<Row> rows) {
        XYChart chart = new XYChartBuilder().width(900).height(500)
                .title("Soak: " + setup.concurrency() + " clients, a swap every " + setup.swapEverySeconds() + " s")
                .xAxisTitle("seconds since the load started").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        double[] t = rows.stream().mapToDouble(Row::seconds).toArray();
        chart.addSeries("RSS MiB", t, rows.stream().mapToDouble(r -> r.rssBytes() / MIB).toArray()).setMarker(SeriesMarkers.NONE);
        chart.addSeries("p99 s", t, rows.stream().mapToDouble(Row::p99).toArray()).setMarker(SeriesMarkers.CIRCLE).setYAxisGroup(1);
        chart.setYAxisGroupTitle(0, "RSS MiB");
        chart.setYAxisGroupTitle(1, "p99 e2e s");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        return chart;
    }
}
