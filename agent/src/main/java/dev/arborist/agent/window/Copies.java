package dev.arborist.agent.window;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Deep copies of the nested arrays statistics are kept in. */
final class Copies {
    private Copies() {
    }

    static double[][] of(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i] == null ? null : rows[i].clone();
        }
        return out;
    }

    static List<Map<Integer, double[]>> ofMaps(List<Map<Integer, double[]>> maps) {
        List<Map<Integer, double[]>> out = new ArrayList<>();
        for (Map<Integer, double[]> m : maps) {
            Map<Integer, double[]> copy = new TreeMap<>();
            m.forEach((k, v) -> copy.put(k, v.clone()));
            out.add(copy);
        }
        return out;
    }
}
