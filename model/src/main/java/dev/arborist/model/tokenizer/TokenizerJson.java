package dev.arborist.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.tokenizer.BpeModel.Merge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Hugging Face {@code tokenizer.json}: writes our BPE models and reads any file's token ids. */
final class TokenizerJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerJson() {}

    static void write(BpeModel model, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.set("added_tokens", addedTokens(model));
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel());
        root.putNull("post_processor"); // no automatic BOS/EOS: callers add them explicitly
        root.set("decoder", byteLevel());
        root.set("model", bpe(model));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** Every token of {@code model.vocab} and {@code added_tokens} with its id. */
    static Map<String, Integer> readVocab(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode modelVocab = root.path("model").path("vocab");
        if (modelVocab.isObject()) { // BPE, WordPiece, WordLevel: {token: id}
            for (Map.Entry<String, JsonNode> e : modelVocab.properties()) {
                vocab.put(e.getKey(), e.getValue().asInt());
            }
        } else if (modelVocab.isArray()) { // Unigram: [[piece, score], ...], id = index
            for (int id = 0; id < modelVocab.size(); id++) {
                vocab.put(modelVocab.get(id).get(0).asText(), id);
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            vocab.put(added.path("content").asText(), added.path("id").asInt());
        }
        if (vocab.isEmpty()) {
            throw new IOException(file + " has no model.vocab or added_tokens; is it a tokenizer.json?");
        }
        return vocab;
    }

    private static ArrayNode addedTokens(BpeModel model) {
        ArrayNode added = JSON.createArrayNode();
        for (int id = 0; id < model.specialTokens().size(); id++) {
            ObjectNode t = added.addObject();
            t.put("id", id);
            t.put("content", model.specialTokens().get(id));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        return added;
    }

    /** GPT-2's byte-level step; the same settings serve as pre-tokenizer (with its regex) and decoder. */
    private static ObjectNode byteLevel() {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", true);
        n.put("use_regex", true);
        return n;
    }

    private static ObjectNode bpe(BpeModel model) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "BPE");
        n.putNull("dropout");
        n.putNull("unk_token"); // every byte has a token, so nothing is unknown
        n.putNull("continuing_subword_prefix");
        n.putNull("end_of_word_suffix");
        n.put("fuse_unk", false);
        n.put("byte_fallback", false);
        n.put("ignore_merges", false);
        ObjectNode vocab = n.putObject("vocab");
        for (int id = 0; id < model.vocabSize(); id++) {
            vocab.put(model.tokens().get(id), id);
        }
        ArrayNode merges = n.putArray("merges");
        for (Merge m : model.merges()) {
            // Byte-level tokens never contain a space ('Ġ' stands for it), so "left right" is unambiguous.
            merges.add(model.tokens().get(m.left()) + " " + model.tokens().get(m.right()));
        }
        return n;
    }
}
