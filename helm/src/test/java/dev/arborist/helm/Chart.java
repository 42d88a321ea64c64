package dev.arborist.helm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chart under test, rendered by real Helm (helm-java) into parsed Kubernetes objects. */
final class Chart {
    static final Path DIR = Path.of("arborist");
    static final Path DASHBOARDS = Path.of("../dashboards");
    static final String RELEASE = "demo";
    static final String NAMESPACE = "ml";
    static final String FULLNAME = "demo-arborist";
    /**
     * helm-java's embedded Helm is built without the Kubernetes version the helm CLI carries (it falls back
     * to v1.20, older than the chart's kubeVersion), so renders name a current one, as a cluster would.
     */
    static final String KUBE_VERSION = "1.30.0";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Chart() {}

    /** Renders with {@code values} set on top of values.yaml (keys in --set syntax). */
    static Rendered render(Map<String, ?> values) {
        return render(null, values);
    }

    /** Renders with a values file (-f, may be null) and then {@code values} (--set) on top of values.yaml. */
    static Rendered render(Path valuesFile, Map<String, ?> values) {
        FakeKubeApi.start();
        TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, ?> v : values.entrySet()) {
            template = template.set(v.getKey(), v.getValue());
        }
        return Rendered.parse(template.call());
    }

    static Rendered render() {
        return render(Map.of());
    }

    /** Values in order, for readable test setups: values("a", 1, "b", "x"). */
    static Map<String, Object> values(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    /** The objects of one render. */
    record Rendered(String manifest, List<JsonNode> objects) {
        static Rendered parse(String manifest) {
            List<JsonNode> objects = new ArrayList<>();
            try (JsonParser parser = YAML.getFactory().createParser(manifest);
                    MappingIterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class)) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                        objects.add(doc);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("rendered manifests are not YAML:\n" + manifest, e);
            }
            return new Rendered(manifest, List.copyOf(objects));
        }

        List<JsonNode> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        }

        List<String> kinds() {
            return objects.stream().map(o -> o.path("kind").asText()).sorted().toList();
        }

        JsonNode get(String kind, String name) {
            return objects.stream()
                    .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in: " + kinds()));
        }

        boolean has(String kind, String name) {
            return objects.stream().anyMatch(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()));
        }

        /** The one container of a Deployment's pod template. */
        JsonNode container(String deployment) {
            return get("Deployment", deployment).path("spec").path("template").path("spec").path("containers").get(0);
        }

        /** A container's arguments with $(VAR) expanded from the settings ConfigMap, as the kubelet does. */
        List<String> expandedArgs(String deployment) {
            JsonNode settings = get("ConfigMap", FULLNAME + "-settings").path("data");
            List<String> args = new ArrayList<>();
            for (JsonNode a : container(deployment).path("args")) {
                String arg = a.asText();
                var fields = settings.fields();
                while (fields.hasNext()) {
                    var f = fields.next();
                    arg = arg.replace("$(" + f.getKey() + ")", f.getValue().asText());
                }
                args.add(arg);
            }
            return args;
        }
    }
}
