package io.stowage.server.storage.error;

/** The caller asked for something invalid; the message says what and how to fix it. */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
