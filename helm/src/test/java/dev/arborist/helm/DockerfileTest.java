package dev.arborist.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine here, so the image is not built; these checks keep the Dockerfile and the chart in
 * agreement (user, model path, port, entry point) and point the entry point at a class that exists.
 */
class DockerfileTest {
    private static List<String> lines;
    private static JsonNode values;

    @BeforeAll
    static void read() throws Exception {
        // Continuation lines joined, comments dropped: one instruction per entry.
        String text = Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\\n", " ");
        lines = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        values = Chart.YAML.readTree(Chart.DIR.resolve("values.yaml").toFile());
    }

    @Test
    @DisplayName("the runtime stage is eclipse-temurin:17-jre and runs as the chart's non-root user")
    void runtime() {
        List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from.get(from.size() - 1)).isEqualTo("FROM eclipse-temurin:17-jre");
        String user = instruction("USER");
        JsonNode pod = values.path("podSecurityContext");
        assertThat(user).isEqualTo(pod.path("runAsUser").asInt() + ":" + pod.path("runAsGroup").asInt());
        assertThat(pod.path("runAsUser").asInt()).isPositive();
    }

    @Test
    @DisplayName("the entry point is the arborist launcher class, which exists")
    void entrypoint() throws Exception {
        assertThat(instruction("ENTRYPOINT")).contains("dev.arborist.cli.Main").contains("/opt/arborist/lib/*");
        assertThat(Class.forName("dev.arborist.cli.Main").getMethod("main", String[].class)).isNotNull();
    }

    @Test
    @DisplayName("the bundled model is copied where the chart looks for it, and the exposed port is serving's")
    void modelAndPort() {
        assertThat(lines).contains("COPY models/ models/", "WORKDIR /opt/arborist");
        String imagePath = values.path("model").path("imagePath").asText();
        assertThat(imagePath).startsWith("/opt/arborist/models/");
        assertThat(Path.of("..", imagePath.substring("/opt/arborist/".length()), "config.json")).exists();
        assertThat(instruction("EXPOSE")).isEqualTo(values.path("serving").path("port").asText());
    }

    @Test
    @DisplayName("the build context leaves out build outputs and git, and keeps sources, poms and models")
    void dockerignore() throws Exception {
        List<String> ignored = Files.readAllLines(Path.of("Dockerfile.dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignored).contains(".git", "**/target").noneMatch(p -> p.startsWith("models") || p.endsWith("pom.xml") || p.contains("src"));
    }

    private static String instruction(String name) {
        return lines.stream().filter(l -> l.startsWith(name + " ")).reduce((a, b) -> b).orElseThrow().substring(name.length() + 1).strip();
    }
}
