package dev.arborist.cli.reliability;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes (cli has no Awaitility). */
final class Await {
    private static final Duration POLL = Duration.ofMillis(250);

    /** A condition that may need I/O to check, e.g. a scrape. */
    interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /**
     * @return how long it took to hold
     * @throws AssertionError when it did not hold within {@code timeout}
     */
    static Duration until(String what, Duration timeout, Condition condition) throws Exception {
        return until(what, timeout, condition, () -> "");
    }

    /** @param lastSeen what the condition saw last, for the failure message */
    static Duration until(String what, Duration timeout, Condition condition, Supplier<String> lastSeen) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + " " + lastSeen.get());
            }
            Thread.sleep(POLL.toMillis());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
