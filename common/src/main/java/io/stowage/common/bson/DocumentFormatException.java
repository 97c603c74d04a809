package io.stowage.common.bson;

/** A stored document could not be read back: it is not a Stowage message document. */
public class DocumentFormatException extends RuntimeException {
    public DocumentFormatException(String message) {
        super(message);
    }

    public DocumentFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
