package dev.arborist.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The current and the previous version (kept resident for an instant rollback), switched by admin
 * requests from any thread. A version pushed out of both is retired: the model thread frees it
 * once no running sequence uses it any more.
 */
final class ModelVersions {
    private volatile ModelVersion current;
    private volatile ModelVersion previous; // null until the first switch
    private final Queue<ModelVersion> retired = new ConcurrentLinkedQueue<>();

    ModelVersions(ModelVersion initial) {
        this.current = initial;
    }

    ModelVersion current() {
        return current;
    }

    ModelVersion previous() {
        return previous;
    }

    /** New sequences use {@code next} from the next admission on; running ones finish on theirs. */
    synchronized void switchTo(ModelVersion next) {
        if (previous != null) {
            retired.add(previous);
        }
        previous = current;
        current = next;
    }

    /** @return the version now current, or null when there is nothing to roll back to */
    synchronized ModelVersion rollback() {
        if (previous == null) {
            return null;
        }
        ModelVersion back = previous;
        previous = current;
        current = back;
        return back;
    }

    /** Takes the retired versions for which {@code inUse} is false, for the caller to close. */
    List<ModelVersion> takeRetired(java.util.function.Predicate<ModelVersion> inUse) {
        List<ModelVersion> free = new ArrayList<>();
        retired.removeIf(v -> !inUse.test(v) && free.add(v));
        return free;
    }

    /** Everything still resident, for shutdown. */
    synchronized List<ModelVersion> all() {
        List<ModelVersion> out = new ArrayList<>(retired);
        out.add(current);
        if (previous != null) {
            out.add(previous);
        }
        return out;
    }
}
