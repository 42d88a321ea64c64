package dev.arborist.serving;

/**
 * What one finished request did.
 *
 * @param outcome how it ended
 * @param promptTokens tokens in the prompt
 * @param generatedTokens tokens sent back
 * @param queuedNanos from submission to the first step that included it
 * @param firstTokenNanos from submission to the first token; -1 if there was none
 * @param totalNanos from submission to the end
 * @param sloClass the SLO class the request carried, or null
 */
public record RequestRecord(
        String requestId, String model, Outcome outcome, int promptTokens, int generatedTokens,
        long queuedNanos, long firstTokenNanos, long totalNanos, String sloClass) {

    /** How a request ended; {@code label()} is the {@code status} label of arborist_requests_total. */
    public enum Outcome {
        STOP, LENGTH, CANCELLED, ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
