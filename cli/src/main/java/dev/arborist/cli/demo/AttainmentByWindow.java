package dev.arborist.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SLO attainment of one run judged over evaluation windows of several lengths, from the requests
 * themselves: a window is within the SLO when the p95 e2e latency of the requests that finished in
 * it is (a window without requests is). The control windows of a demo hold a few tens of requests,
 * so their p95 is close to their maximum and a burst of a few seconds decides it; longer windows
 * show how much of the shortfall is that. Windows ending inside a converging span are left out,
 * as in {@link Timeline#attainmentAfterConvergence}.
 */
final class AttainmentByWindow {
    /** Evaluation window lengths reported beside the control window's, in seconds. */
    static final List<Integer> LENGTHS = List.of(15, 30, 60);

    private AttainmentByWindow() {
    }

    /**
     * @param converging spans {start, end} in seconds whose windows are left out
     * @return window length in seconds to the share of its windows within the SLO (NaN when none counted)
     */
    static Map<Integer, Double> of(List<TrafficGenerator.Result> results, double sloSeconds, double durationSeconds,
                                   List<double[]> converging) {
        Map<Integer, Double> shares = new TreeMap<>();
        for (int length : LENGTHS) {
            long counted = 0;
            long within = 0;
            for (double end = length; end <= durationSeconds + 1e-9; end += length) {
                double windowEnd = end;
                if (converging.stream().anyMatch(span -> windowEnd > span[0] && windowEnd <= span[1])) {
                    continue;
                }
                List<Double> latencies = new ArrayList<>();
                for (TrafficGenerator.Result r : results) {
                    double finished = r.sentAtSeconds() + r.e2eSeconds();
                    if (finished > windowEnd - length && finished <= windowEnd) {
                        latencies.add(r.ok() ? r.e2eSeconds() : Double.POSITIVE_INFINITY); // a failed request misses any SLO
                    }
                }
                counted++;
                within += latencies.isEmpty() || Quantiles.p95(latencies) <= sloSeconds ? 1 : 0;
            }
            shares.put(length, counted == 0 ? Double.NaN : (double) within / counted);
        }
        return shares;
    }
}
