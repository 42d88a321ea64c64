package dev.arborist.model.config;

/** A model directory that cannot be loaded: the message names the file and, where known, the tensor. */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
