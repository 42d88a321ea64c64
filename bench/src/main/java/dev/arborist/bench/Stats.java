package dev.arborist.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/** Repeats a measurement and reports the median: the machines are noisy. */
final class Stats {
    private Stats() {}

    static double median(int repetitions, DoubleSupplier measurement) {
        double[] values = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            values[i] = measurement.getAsDouble();
        }
        return median(values);
    }

    static double median(double[] measured) {
        double[] values = measured.clone();
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
