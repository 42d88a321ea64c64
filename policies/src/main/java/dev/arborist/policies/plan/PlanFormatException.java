package dev.arborist.policies.plan;

/** A plan artifact that cannot be used: missing or corrupted files, or built for another base model. */
public class PlanFormatException extends RuntimeException {
    public PlanFormatException(String message) {
        super(message);
    }

    public PlanFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
