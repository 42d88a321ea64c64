package dev.arborist.policies.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * manifest.json of a plan artifact: where the plan comes from and what it achieved.
 *
 * @param planId sha256 of plan.safetensors
 * @param baseModel fingerprint of the dense model the plan was built from and applies to
 * @param parentPlan the plan this one replaces in a lineage, or null
 * @param targets the tensors the plan changes
 * @param quality what was measured on the pruned model (e.g. "perplexity"), possibly nothing
 * @param files relative path -> sha256 of every file of the artifact except the manifest
 */
public record PlanManifest(String planId, String baseModel, String parentPlan, String method, Map<String, String> settings,
                           List<String> targets, SparsityReport sparsity, Map<String, Double> quality, Instant createdAt,
                           Map<String, String> files) {
    public static final String SCHEMA = "arborist.plan-manifest.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    public PlanManifest {
        settings = Map.copyOf(settings);
        targets = List.copyOf(targets);
        quality = Map.copyOf(quality);
        files = Map.copyOf(files);
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", SCHEMA);
        o.put("plan_id", planId);
        o.put("base_model", baseModel);
        o.put("parent_plan", parentPlan);
        o.put("method", method);
        o.set("settings", JSON.valueToTree(new TreeMap<>(settings)));
        targets.forEach(o.putArray("targets")::add);
        ObjectNode s = o.putObject("sparsity");
        s.put("overall", sparsity.overall());
        s.put("zeros", sparsity.zeros());
        s.put("total", sparsity.total());
        sparsity.tensors().forEach(s.putObject("tensors")::put);
        o.set("quality", JSON.valueToTree(new TreeMap<>(quality)));
        o.put("created_at", createdAt.toString());
        o.set("files", JSON.valueToTree(new TreeMap<>(files)));
        return o;
    }

    void write(Path file) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson());
    }

    static PlanManifest read(Path file) {
        JsonNode o;
        try {
            o = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new PlanFormatException(file + " is not a readable plan manifest: " + e.getMessage(), e);
        }
        if (o == null || !SCHEMA.equals(o.path("schema").asText())) {
            throw new PlanFormatException(file + " is not a plan manifest (schema " + SCHEMA + ")");
        }
        JsonNode s = o.path("sparsity");
        return new PlanManifest(text(o, "plan_id", file), text(o, "base_model", file),
                o.path("parent_plan").isTextual() ? o.get("parent_plan").asText() : null, text(o, "method", file),
                strings(o.path("settings")), list(o.path("targets")),
                new SparsityReport(doubles(s.path("tensors")), s.path("zeros").asLong(), s.path("total").asLong()),
                doubles(o.path("quality")), instant(o, "created_at", file), strings(o.path("files")));
    }

    private static Instant instant(JsonNode o, String field, Path file) {
        String value = text(o, field, file);
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new PlanFormatException(file + ": '" + field + "' is not an ISO-8601 instant: " + value);
        }
    }

    private static String text(JsonNode o, String field, Path file) {
        if (!o.path(field).isTextual()) {
            throw new PlanFormatException(file + " lacks the field '" + field + "'");
        }
        return o.get(field).asText();
    }

    private static Map<String, String> strings(JsonNode o) {
        Map<String, String> out = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<String, Double> doubles(JsonNode o) {
        Map<String, Double> out = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        return out;
    }

    private static List<String> list(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.forEach(v -> out.add(v.asText()));
        return out;
    }
}
