package io.stowage.server.storage.error;

/** The server is at a limit it keeps to stay alive (memory for responses); the caller should retry later. */
public class ServerBusyException extends RuntimeException {
    public ServerBusyException(String message) {
        super(message);
    }
}
