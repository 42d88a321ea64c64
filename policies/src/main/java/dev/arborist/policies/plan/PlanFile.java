package dev.arborist.policies.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.io.DType;
import dev.arborist.model.io.SafetensorsFile;
import dev.arborist.model.io.SafetensorsWriter;
import dev.arborist.model.io.TensorData;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * plan.safetensors: the entries' tensors, with the method, settings and entry list in the header
 * metadata, so the file alone holds the whole plan and its sha256 identifies it.
 */
final class PlanFile {
    static final String FORMAT_KEY = "arborist.plan";
    static final String VERSION = "1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanFile() {}

    static void write(Path file, PruningPlan plan) {
        Map<String, TensorData> floats = new LinkedHashMap<>();
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        ArrayNode entries = JSON.createArrayNode();
        for (int i = 0; i < plan.entries().size(); i++) {
            PlanEntry entry = plan.entries().get(i);
            ObjectNode json = entries.addObject().put("kind", entry.kind());
            entry.encode(new Encoder(i, json, floats, bytes));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, VERSION);
        metadata.put("method", plan.method());
        metadata.put("settings", JSON.valueToTree(plan.settings()).toString());
        metadata.put("entries", entries.toString());
        SafetensorsWriter.write(file, floats, bytes, metadata, DType.F32);
    }

    static PruningPlan read(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            Map<String, String> meta = st.metadata();
            if (!VERSION.equals(meta.get(FORMAT_KEY))) {
                throw new PlanFormatException(file + " is not an arborist plan (version " + VERSION + ")");
            }
            Map<String, String> settings = new LinkedHashMap<>();
            parse(file, meta.get("settings")).fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
            JsonNode list = parse(file, meta.get("entries"));
            if (!list.isArray()) {
                throw new PlanFormatException(file + ": the plan's metadata has no entry list");
            }
            List<PlanEntry> entries = new ArrayList<>();
            for (JsonNode json : list) {
                entries.add(PlanEntryCodecs.decode(json.path("kind").asText(), new Decoder(json, st)));
            }
            return new PruningPlan(meta.getOrDefault("method", ""), settings, entries);
        }
    }

    private static JsonNode parse(Path file, String text) {
        try {
            return JSON.readTree(text == null ? "null" : text);
        } catch (JsonProcessingException e) {
            throw new PlanFormatException(file + ": unreadable plan metadata: " + e.getOriginalMessage(), e);
        }
    }

    /** Stores each entry's tensors under "index/name", unique within the plan. */
    private record Encoder(int index, ObjectNode json, Map<String, TensorData> floats, Map<String, byte[]> bytes) implements EntryEncoder {
        @Override
        public String tensor(String name, long[] shape, float[] data) {
            String stored = unique(name);
            floats.put(stored, new TensorData(shape, data));
            return stored;
        }

        @Override
        public String bytes(String name, byte[] data) {
            String stored = unique(name);
            bytes.put(stored, data);
            return stored;
        }

        private String unique(String name) {
            String stored = index + "/" + name;
            if (floats.containsKey(stored) || bytes.containsKey(stored)) {
                throw new IllegalArgumentException("plan entry " + index + " stores '" + name + "' twice");
            }
            return stored;
        }
    }

    private record Decoder(JsonNode json, SafetensorsFile file) implements EntryDecoder {
        @Override
        public float[] tensor(String storedName) {
            return file.readFloats(storedName);
        }

        @Override
        public long[] shape(String storedName) {
            return file.info(storedName).shape();
        }

        @Override
        public byte[] bytes(String storedName) {
            ByteBuffer b = file.readBytes(storedName);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
