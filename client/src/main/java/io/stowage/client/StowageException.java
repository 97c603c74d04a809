package io.stowage.client;

import io.grpc.Status;

/** A call to Stowage failed: the server refused it, or it could not be reached within the retry policy. */
public class StowageException extends RuntimeException {
    private final Status.Code code;

    public StowageException(String message, Status.Code code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The gRPC status code of the last attempt. */
    public Status.Code code() {
        return code;
    }
}
