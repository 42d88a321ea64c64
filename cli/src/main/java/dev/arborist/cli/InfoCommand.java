package dev.arborist.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.runtime.LanguageModel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a model directory.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        try (LanguageModel lm = LanguageModel.load(model.model)) {
            ModelConfig c = lm.config();
            ObjectNode o = Json.object();
            o.put("model", model.model.toString());
            o.put("architecture", c.architecture().hfName());
            o.put("parameters", lm.parameterCount());
            o.put("layers", c.numLayers());
            o.put("hidden_size", c.hiddenSize());
            o.put("heads", c.numHeads());
            o.put("kv_heads", c.numKvHeads());
            o.put("head_dim", c.headDim());
            o.put("intermediate_size", c.intermediateSize());
            o.put("experts", c.numExperts());
            o.put("experts_per_token", c.expertsPerToken());
            o.put("vocab_size", c.vocabSize());
            o.put("context", c.maxPositions());
            if (json) {
                Json.print(o);
            } else {
                o.fields().forEachRemaining(e -> System.out.printf("%-18s %s%n", e.getKey(), e.getValue().asText()));
            }
        }
        return 0;
    }
}
