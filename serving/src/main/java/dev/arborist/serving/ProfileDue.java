package dev.arborist.serving;

/**
 * When the shadow profiles owed to the agent are paid. A profile is cheap for nobody: it runs on
 * the model thread between steps, and every running request waits for it. Paid one at a time
 * whenever the thread is idle; under sustained load, when it never is, only once {@link #MAX_OWED}
 * are owed, and the rest are forgiven. So profiling yields to the requests exactly when the SLO is
 * at risk (a quarter of the rate under saturation), and the agent still learns from busy periods.
 */
final class ProfileDue {
    static final int MAX_OWED = 4;

    private int owed;

    /** One more profile is due. */
    void owe() {
        owed = Math.min(MAX_OWED, owed + 1);
    }

    /** @param idle nothing else runs or waits @return whether to profile the request at hand */
    boolean take(boolean idle) {
        if (owed == 0) {
            return false;
        }
        if (idle) {
            owed--;
            return true;
        }
        if (owed == MAX_OWED) {
            owed = 0;
            return true;
        }
        return false;
    }

    int owed() {
        return owed;
    }
}
