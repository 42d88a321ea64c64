package dev.arborist.cli.demo;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.agent.window.TrafficShape;
import dev.arborist.agent.window.UnitOrder;
import dev.arborist.events.Decision;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.nn.Level;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.elastic.Rung;
import dev.arborist.policies.plan.PlanArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a drift rebuild gave back to the traffic's new domain. Both plans are derived from the dense base and differ in
 * their unit order: which experts and FFN channels each level keeps first. At every level of the rebuilt plan's ladder,
 * the old plan's order and the rebuilt plan's order are scored on the new domain's text (perplexity relative to dense
 * on the same tokens), so only the order differs, not the cost; the units the rebuilt order runs there that the old one
 * trimmed are counted as restored. (Comparing rung by index would compare different levels: each build searches its
 * own ladder against the same budgets.)
 *
 * @param beforePlan the plan served when the drift was confirmed
 * @param afterPlan the plan rebuilt for the drift
 * @param rungs the rebuilt plan's rungs sparser than dense, densest first
 */
public record DomainRecovery(String beforePlan, String afterPlan, List<RungScore> rungs) {
    private static final int WINDOW = 64;
    private static final int MAX_WINDOWS = 32;
    private static final int BATCH = 4;

    /**
     * @param level the rung's level in the rebuilt ladder, e.g. "ffn 0.875, experts 8, kv 2, skip [], beta 0.60" ({@link Level#describe})
     * @param before the old plan's order at that level: its perplexity on the new domain's text over dense's
     * @param after the rebuilt plan's order at that level, the same way
     * @param expertsRestored (layer, expert) pairs the rebuilt order runs at that level that the old order trimmed
     * @param channelsRestored FFN channels (of experts both run) the rebuilt order runs at that level that the old one trimmed
     */
    public record RungScore(int rung, String level, double before, double after, int expertsRestored, int channelsRestored) {}

    /** The rebuilt plan's sparsest rung: where its order has most to give back. */
    public RungScore sparsest() {
        return rungs.get(rungs.size() - 1);
    }

    /**
     * Scores the first drift rebuild in {@code decisions} against the plan the agent served before it.
     *
     * @param plansDir the agent's plan store
     * @param newDomain held-out lines of the domain the traffic moved to
     * @return null when no drift rebuild was published
     */
    public static DomainRecovery afterFirstDrift(List<Decision> decisions, Path modelDir, Path plansDir, List<String> newDomain)
            throws IOException {
        String before = null;
        for (Decision d : decisions) {
            if (!"agent".equals(d.replica()) || d.planId() == null) {
                continue;
            }
            if (DecisionTally.isDriftRebuild(d) && before != null && !before.equals(d.planId())) {
                return measure(modelDir, plansDir, before, d.planId(), newDomain);
            }
            before = d.planId();
        }
        return null;
    }

    static DomainRecovery measure(Path modelDir, Path plansDir, String beforeId, String afterId, List<String> newDomain) throws IOException {
        int[] tokens;
        try (HfTokenizer tokenizer = HfTokenizer.load(modelDir.resolve("tokenizer.json"))) {
            tokens = TokenizedText.encodeLines(newDomain, tokenizer); // as the agent tokenizes its eval text
        }
        try (LanguageModel base = LanguageModel.load(modelDir); NDManager m = base.manager().newSubManager()) {
            List<Path> dirs = oldestFirst(plansDir);
            ElasticArtifact before = ElasticArtifact.read(find(dirs, beforeId, plansDir), base);
            ElasticArtifact after = ElasticArtifact.read(find(dirs, afterId, plansDir), base);
            int window = Math.min(WINDOW, base.config().maxPositions());
            double dense = Perplexity.evaluate(base.transformer(), tokens, window, BATCH, MAX_WINDOWS).perplexity();
            ModelConfig config = base.config();
            TrafficShape shape = TrafficShape.of(config);
            UnitOrder oldUnits = UnitOrder.of(before.plan().permutation(), shape, config.numKvHeads());
            UnitOrder newUnits = UnitOrder.of(after.plan().permutation(), shape, config.numKvHeads());
            List<RungScore> rungs = new ArrayList<>();
            try (ElasticModel oldModel = before.plan().apply(base, m); ElasticModel newModel = after.plan().apply(base, m)) {
                for (Rung rung : after.plan().ladder().rungs().subList(1, after.plan().ladder().size())) {
                    Level level = rung.level();
                    double oldRatio = Perplexity.evaluate(oldModel.at(level), tokens, window, BATCH, MAX_WINDOWS).perplexity() / dense;
                    double newRatio = Perplexity.evaluate(newModel.at(level), tokens, window, BATCH, MAX_WINDOWS).perplexity() / dense;
                    Restored restored = Restored.at(level, shape, oldUnits, newUnits);
                    rungs.add(new RungScore(rung.index(), level.describe(), oldRatio, newRatio, restored.experts(), restored.channels()));
                }
            }
            if (rungs.isEmpty()) {
                throw new IllegalStateException("plan " + afterId + " has no rung sparser than dense");
            }
            return new DomainRecovery(beforeId, afterId, rungs);
        }
    }

    /** Units the new order runs at a level and the old one trimmed, in base order. */
    private record Restored(int experts, int channels) {
        static Restored at(Level level, TrafficShape shape, UnitOrder oldUnits, UnitOrder newUnits) {
            int experts = 0;
            int channels = 0;
            for (int l = 0; l < shape.layers(); l++) {
                boolean[] oldExperts = runs(shape, oldUnits, level, l);
                boolean[] newExperts = runs(shape, newUnits, level, l);
                for (int e = 0; e < newExperts.length; e++) {
                    if (newExperts[e] && !oldExperts[e]) {
                        experts++;
                    } else if (newExperts[e]) { // both run it: count its channels
                        int baseExpert = shape.experts() == 0 ? -1 : e;
                        boolean[] oldChannels = oldUnits.keptChannels(l, baseExpert, level);
                        boolean[] newChannels = newUnits.keptChannels(l, baseExpert, level);
                        for (int j = 0; j < newChannels.length; j++) {
                            channels += newChannels[j] && !oldChannels[j] ? 1 : 0;
                        }
                    }
                }
            }
            return new Restored(experts, channels);
        }

        /** Which base experts of layer {@code l} run at {@code level} (a dense FFN counts as one expert). */
        private static boolean[] runs(TrafficShape shape, UnitOrder units, Level level, int l) {
            if (level.skips(l)) {
                return new boolean[Math.max(shape.experts(), 1)];
            }
            return shape.experts() == 0 ? new boolean[] {true} : units.keptExperts(l, level);
        }
    }

    /** The store's plan directories, oldest first; hidden names are staging directories of plans still being written. */
    private static List<Path> oldestFirst(Path plansDir) throws IOException {
        try (Stream<Path> dirs = Files.list(plansDir)) {
            return dirs.filter(d -> Files.isDirectory(d) && !d.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(DomainRecovery::written)).toList();
        }
    }

    /**
     * The directory of plan {@code id}, by its manifest alone. A plan id hashes the unit order, not the ladder, and the
     * agent rejects a later build with the unit order of the plan it serves but leaves its directory: of several
     * directories with one id, the oldest holds the ladder that was served.
     */
    private static Path find(List<Path> oldestFirst, String id, Path plansDir) {
        return oldestFirst.stream().filter(d -> PlanArtifact.declaredId(d).filter(id::equals).isPresent()).findFirst()
                .orElseThrow(() -> new IllegalStateException("plan " + id + " is not in " + plansDir));
    }

    private static FileTime written(Path dir) {
        try {
            return Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeTo(ObjectNode node) {
        node.put("before_plan", beforePlan).put("after_plan", afterPlan);
        var array = node.putArray("rungs");
        for (RungScore r : rungs) {
            array.addObject().put("rung", r.rung()).put("level", r.level()).put("perplexity_ratio_before", r.before()).put("perplexity_ratio_after", r.after())
                    .put("experts_restored", r.expertsRestored()).put("channels_restored", r.channelsRestored());
        }
    }
}
