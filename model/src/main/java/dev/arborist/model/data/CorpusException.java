package dev.arborist.model.data;

/** The corpus cannot be obtained or read: the message names the file or command and what went wrong. */
public class CorpusException extends RuntimeException {
    public CorpusException(String message) {
        super(message);
    }

    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
