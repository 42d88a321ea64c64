package dev.arborist.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything the runtime needs from {@code config.json}, parsed once. Derived sizes (head size,
 * KV groups) are computed here so nothing downstream touches raw JSON.
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int maxPositions,
        double ropeTheta,
        double rmsNormEps,
        boolean tieWordEmbeddings,
        int numExperts,
        int expertsPerToken,
        int bosTokenId,
        int eosTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        require(hiddenSize > 0 && numLayers > 0 && vocabSize > 0, "sizes must be positive");
        require(numHeads > 0 && numKvHeads > 0 && numHeads % numKvHeads == 0,
                "num_attention_heads (" + numHeads + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        require(!architecture.mixtureOfExperts() || (numExperts > 0 && expertsPerToken > 0 && expertsPerToken <= numExperts),
                "a mixture-of-experts model needs 0 < num_experts_per_tok <= num_local_experts");
    }

    /** Query heads per KV head (grouped-query attention). */
    public int kvGroups() {
        return numHeads / numKvHeads;
    }

    public boolean isMoe() {
        return architecture.mixtureOfExperts();
    }

    public static ModelConfig load(Path configJson) {
        JsonNode n;
        try {
            n = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ModelFormatException("cannot read " + configJson + ": " + e.getMessage(), e);
        }
        JsonNode archs = n.path("architectures");
        if (!archs.isArray() || archs.isEmpty()) {
            throw new ModelFormatException(configJson + ": missing 'architectures'");
        }
        Architecture arch = Architecture.fromHfName(archs.get(0).asText());
        int hidden = required(n, "hidden_size", configJson);
        int heads = required(n, "num_attention_heads", configJson);
        try {
            return new ModelConfig(
                    arch,
                    required(n, "vocab_size", configJson),
                    hidden,
                    required(n, "intermediate_size", configJson),
                    required(n, "num_hidden_layers", configJson),
                    heads,
                    n.path("num_key_value_heads").asInt(heads),
                    n.path("head_dim").isInt() ? n.get("head_dim").asInt() : hidden / heads,
                    n.path("max_position_embeddings").asInt(2048),
                    n.path("rope_theta").asDouble(10000.0),
                    n.path("rms_norm_eps").asDouble(1e-6),
                    n.path("tie_word_embeddings").asBoolean(false),
                    n.path("num_local_experts").asInt(0),
                    n.path("num_experts_per_tok").asInt(0),
                    n.path("bos_token_id").asInt(1),
                    n.path("eos_token_id").asInt(2));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Writes a Hugging Face compatible {@code config.json}. */
    public void save(Path configJson) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add(architecture.hfName());
        n.put("model_type", architecture.name().toLowerCase());
        n.put("vocab_size", vocabSize);
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("num_hidden_layers", numLayers);
        n.put("num_attention_heads", numHeads);
        n.put("num_key_value_heads", numKvHeads);
        n.put("head_dim", headDim);
        n.put("max_position_embeddings", maxPositions);
        n.put("rope_theta", ropeTheta);
        n.put("rms_norm_eps", rmsNormEps);
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("hidden_act", "silu");
        if (isMoe()) {
            n.put("num_local_experts", numExperts);
            n.put("num_experts_per_tok", expertsPerToken);
        }
        n.put("bos_token_id", bosTokenId);
        n.put("eos_token_id", eosTokenId);
        n.put("torch_dtype", "float16");
        JSON.writerWithDefaultPrettyPrinter().writeValue(configJson.toFile(), n);
    }

    private static int required(JsonNode n, String key, Path file) {
        if (!n.path(key).canConvertToInt()) {
            throw new ModelFormatException(file + ": missing or non-integer '" + key + "'");
        }
        return n.get(key).asInt();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
