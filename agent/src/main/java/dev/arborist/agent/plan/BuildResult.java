package dev.arborist.agent.plan;

import dev.arborist.policies.elastic.ElasticArtifact;

/** How a plan build ended. */
public sealed interface BuildResult {

    BuildRequest request();

    /** Built, verified and written to the store: ready to publish. The artifact's ladder holds only usable rungs. */
    record Built(BuildRequest request, ElasticArtifact artifact, Verification verification) implements BuildResult {}

    /** Built but no sparse rung passed verification: nothing to publish. */
    record Rejected(BuildRequest request, String reason, Verification verification) implements BuildResult {}

    /** The build itself failed (e.g. not enough text, an I/O error). */
    record Failed(BuildRequest request, Exception error) implements BuildResult {}
}
