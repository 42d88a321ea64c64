package dev.arborist.agent.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's CPU priority (Linux nice value), so that a build nobody waits for
 * takes the cores serving leaves idle rather than a share of the ones it needs. Where the agent
 * shared two cores with serving, such a build ran for 34 s beside a doubled load, and serving
 * missed its SLO meanwhile (BENCHMARKS.md, "Session 14"). Threads the lowered one starts later
 * (the native thread pool of its first parallel tensor op) inherit its priority. Java thread
 * priorities do nothing on Linux, so this asks {@code renice} for the thread's own id; on another
 * OS, or without {@code renice}, the thread keeps its priority and says so once.
 */
final class BackgroundPriority {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPriority.class);
    /**
     * CFS weight 110 against 1024 at nice 0: about a tenth of a contended core. Not 19, whose rare slices
     * would keep JVM safepoints (and so serving's threads) waiting on this one.
     */
    static final int NICE = 10;
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private BackgroundPriority() {
    }

    /** @return whether the calling thread now runs at {@link #NICE} */
    static boolean lowerCurrentThread() {
        try {
            String tid = threadId();
            Process renice = new ProcessBuilder("renice", "-n", String.valueOf(NICE), "-p", tid).redirectErrorStream(true).start();
            if (!renice.waitFor(10, TimeUnit.SECONDS)) { // its output is a line: the pipe cannot fill while we wait
                renice.destroyForcibly();
                LOG.warn("background plan builds keep normal CPU priority: renice did not finish in 10 s");
                return false;
            }
            if (renice.exitValue() != 0) {
                String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                LOG.warn("background plan builds keep normal CPU priority: renice failed ({})", output);
                return false;
            }
            return currentNice() == NICE;
        } catch (IOException e) {
            LOG.warn("background plan builds keep normal CPU priority: {}", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The calling thread's nice value, from the 19th field of {@code /proc/thread-self/stat}. */
    static int currentNice() throws IOException {
        String stat = Files.readString(THREAD_SELF.resolve("stat"), StandardCharsets.US_ASCII);
        // the second field, the thread's name in parentheses, may hold spaces: count fields after its closing one
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }

    private static String threadId() throws IOException {
        if (!Files.exists(THREAD_SELF)) {
            throw new IOException("no " + THREAD_SELF + " (not Linux)");
        }
        return Files.readSymbolicLink(THREAD_SELF).getFileName().toString(); // "<pid>/task/<tid>"
    }
}
