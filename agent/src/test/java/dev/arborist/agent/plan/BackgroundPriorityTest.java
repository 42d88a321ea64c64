package dev.arborist.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {

    @Test
    @DisplayName("a thread lowers its own priority to nice 10; threads it starts later inherit it, the others keep theirs")
    void lowersOnlyTheCallingThread() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux only");
        int before = BackgroundPriority.currentNice();
        Assumptions.assumeTrue(before < BackgroundPriority.NICE, "the tests already run at nice " + before);
        AtomicInteger child = new AtomicInteger(Integer.MIN_VALUE);
        CompletableFuture<Integer> lowered = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                assertThat(BackgroundPriority.lowerCurrentThread()).isTrue();
                Thread started = new Thread(() -> {
                    try {
                        child.set(BackgroundPriority.currentNice());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                started.start();
                started.join();
                lowered.complete(BackgroundPriority.currentNice());
            } catch (Throwable e) {
                lowered.completeExceptionally(e);
            }
        });
        t.start();
        t.join();
        assertThat(lowered.get()).isEqualTo(BackgroundPriority.NICE);
        assertThat(child.get()).isEqualTo(BackgroundPriority.NICE);
        assertThat(BackgroundPriority.currentNice()).isEqualTo(before);
    }
}
