package dev.arborist.dashboards;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs promtool (Debian package {@code prometheus}) from PATH; tests that need it are skipped where it is missing. */
final class Promtool {
    private Promtool() {}

    /** promtool's exit status and what it printed. */
    record Result(int exitCode, String output) {}

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        Optional<Path> promtool = Executables.onPath("promtool");
        Assumptions.assumeTrue(promtool.isPresent(), "promtool is not on PATH (apt-get install prometheus)");
        List<String> command = new ArrayList<>();
        command.add(promtool.get().toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("promtool " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), out.trim());
    }
}
