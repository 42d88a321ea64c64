package dev.arborist.agent.plan;

import dev.arborist.agent.window.SketchStatistics;
import java.nio.file.Path;

/**
 * One plan to build.
 *
 * @param reason why, for the audit record (e.g. "initial plan", "drift: ...")
 * @param urgent publish as soon as it is verified (a first plan, a drift rebuild); a replacement that is not urgent waits
 *     while its ladder would move the deployment off the rung it runs
 * @param statistics the live traffic to order units by; null: a calibration pass over the calibration text
 * @param recentPrompts sampled recent prompts as one token stream, for the shadow check; may be empty
 * @param dir where the artifact goes (must not exist yet)
 */
public record BuildRequest(String reason, boolean urgent, SketchStatistics statistics, int[] recentPrompts, Path dir) {
}
