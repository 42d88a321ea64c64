package dev.arborist.policies.unstructured;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.SiteKey;
import dev.arborist.model.nn.LayerWeights;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An unstructured method as a {@link PruningMethod}: one {@link LayerPruner} driven by the shared
 * {@link CalibrationWalker}, at a uniform sparsity or OWL's per-layer one, in any {@link SparsityPattern}.
 */
public final class LayerwiseMethod implements PruningMethod {

    /** Builds the per-weight half for one plan (gradient saliency needs the model and the calibration set). */
    @FunctionalInterface
    public interface PrunerFactory {
        LayerPruner create(LanguageModel model, CalibrationSet calibration);
    }

    private final String name;
    private final PrunerFactory factory;

    public LayerwiseMethod(String name, PrunerFactory factory) {
        this.name = name;
        this.factory = factory;
    }

    public static LayerwiseMethod magnitude() {
        return new LayerwiseMethod("magnitude", (model, calibration) -> new ScoreMasking(new Magnitude()));
    }

    public static LayerwiseMethod wanda() {
        return new LayerwiseMethod("wanda", (model, calibration) -> new ScoreMasking(new Wanda()));
    }

    public static LayerwiseMethod sparseGpt() {
        return new LayerwiseMethod("sparsegpt", (model, calibration) -> new SparseGpt());
    }

    public static LayerwiseMethod gradient() {
        return new LayerwiseMethod("gradient", (model, calibration) -> new ScoreMasking(GradientSaliency.measure(model, calibration)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PruningPlan plan(PruningTarget target, CalibrationSet calibration, PruningProgress progress) {
        UnstructuredOptions options = UnstructuredOptions.of(target, name);
        LanguageModel model = target.model();
        ModelWeights weights = model.transformer().weights();
        requireFits(weights, WeightExport.named(model.config(), weights), options.pattern());
        CalibrationWalker walker = new CalibrationWalker(model, calibration);
        int passes = options.owl() ? 2 : 1;
        double[] sparsity = new double[weights.layers().size()];
        Arrays.fill(sparsity, target.sparsity());
        if (options.owl()) {
            sparsity = Owl.layerSparsity(walker, weights.layers(), target.sparsity(), pass(progress, 0, passes));
        }
        double[] layerSparsity = sparsity;
        try (LayerPruner pruner = factory.create(model, calibration)) {
            List<PlanEntry> entries = walker.walk(pruner.needs(),
                    (layer, stats, editor) -> pruneLayer(pruner, layer, weights.layers().get(layer), stats, editor,
                            layerSparsity[layer], options.pattern()),
                    pass(progress, passes - 1, passes));
            return new PruningPlan(name, settings(target, calibration, options, layerSparsity), entries);
        }
    }

    private static List<PlanEntry> pruneLayer(LayerPruner pruner, int index, LayerWeights layer, ActivationStatistics stats,
                                              WeightEditor editor, double sparsity, SparsityPattern pattern) {
        Map<SiteKey, SiteInputs> sites = new HashMap<>(); // q, k, v share one site and its Hessian inverse
        List<PlanEntry> entries = new ArrayList<>();
        for (PrunableWeight w : DecoderLinears.of(index, layer, editor::get)) {
            entries.add(pruner.prune(w, sites.computeIfAbsent(w.site(), k -> SiteInputs.of(stats, k)), sparsity, pattern));
        }
        return entries;
    }

    /** Fails before any work when the pattern cannot tile some weight. */
    private static void requireFits(ModelWeights weights, Map<String, NDArray> named, SparsityPattern pattern) {
        for (PrunableWeight w : DecoderLinears.all(weights, named::get)) {
            pattern.requireFits(w.name(), w.rows(), w.cols());
        }
    }

    /** Reports pass {@code index} of {@code passes} walks as one run of layers. */
    private static PruningProgress pass(PruningProgress progress, int index, int passes) {
        return (done, total) -> progress.layersDone(index * total + done, passes * total);
    }

    private static Map<String, String> settings(PruningTarget target, CalibrationSet calibration, UnstructuredOptions options,
                                                double[] layerSparsity) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("sparsity", Double.toString(target.sparsity()));
        s.putAll(options.settings());
        s.put("calibration", calibration.count() + "x" + calibration.length());
        if (options.owl()) {
            s.put("layer_sparsity", Arrays.toString(layerSparsity));
        }
        return s;
    }
}
