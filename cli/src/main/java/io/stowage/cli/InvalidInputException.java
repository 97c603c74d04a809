package io.stowage.cli;

/** What the user gave a command cannot be used; the message says why. Exit code 2. */
final class InvalidInputException extends RuntimeException {
    InvalidInputException(String message) {
        super(message);
    }
}
