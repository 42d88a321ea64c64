package dev.arborist.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Helm cannot read outside the chart, so the chart keeps a copy of dashboards/ (the source). The copy
 * must stay byte-identical; after editing dashboards/, run:
 * {@code cp dashboards/serving.json dashboards/agent.json dashboards/alerts.yml helm/arborist/dashboards/}
 */
class DashboardCopyTest {
    private static final List<String> FILES = List.of("agent.json", "alerts.yml", "serving.json");
    private static final Path COPY = Chart.DIR.resolve("dashboards");

    @Test
    @DisplayName("helm/arborist/dashboards is an exact copy of dashboards/ (dashboards and alert rules)")
    void identical() throws IOException {
        try (Stream<Path> files = Files.list(COPY)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(FILES);
        }
        for (String file : FILES) {
            assertThat(Files.isSymbolicLink(COPY.resolve(file))).as(file + " must be a file, not a link").isFalse();
            assertThat(Files.readString(COPY.resolve(file)))
                    .as("helm/arborist/dashboards/%s differs from dashboards/%s: cp dashboards/%s helm/arborist/dashboards/", file, file, file)
                    .isEqualTo(Files.readString(Chart.DASHBOARDS.resolve(file)));
        }
    }
}
