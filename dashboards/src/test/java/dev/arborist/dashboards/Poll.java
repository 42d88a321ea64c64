package dev.arborist.dashboards;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Waits for what a running system reaches at its own pace, by asking again every {@value #EVERY_MS} ms until a deadline. */
final class Poll {
    private static final long EVERY_MS = 250;

    private Poll() {}

    /** Probes until {@code done} holds or {@code timeout} has passed; returns the last answer either way, for the assertion. */
    static <T> T until(Duration timeout, Callable<T> probe, Predicate<? super T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T answer = probe.call();
        while (!done.test(answer) && System.nanoTime() < deadline) {
            Thread.sleep(EVERY_MS);
            answer = probe.call();
        }
        return answer;
    }

    /** @throws IllegalStateException naming {@code what} when {@code condition} does not hold within {@code timeout} */
    static void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        if (!until(timeout, condition, Boolean::booleanValue)) {
            throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
        }
    }
}
