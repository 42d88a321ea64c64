package dev.arborist.policies.control;

/**
 * How far one window's traffic is from the reference.
 *
 * @param score Jensen-Shannon divergence of expert usage in bits, averaged over MoE layers: 0 same, 1 disjoint;
 *     null when no layer had routing counts on both sides
 * @param normShift 1 - cosine between reference and recent channel-norm vectors, averaged over layers;
 *     null when no layer had norms on both sides
 * @param windowsOver consecutive windows, this one included, with either measure over its threshold
 * @param drifted whether windowsOver reached the confirmation count: time to rebuild
 * @param scoreNoise how much of a recent sample's score sampling noise alone explains (half the
 *     median distance between successive samples); null until enough samples were seen
 * @param normShiftNoise the same for the channel-norm shift
 */
public record DriftReport(Double score, Double normShift, int windowsOver, boolean drifted, Double scoreNoise, Double normShiftNoise) {
}
