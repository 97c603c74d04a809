package io.stowage.api;

/**
 * The size limits of the API, in one place for the server that enforces them and the clients that
 * must stay within them. The server's limits are settings (STOWAGE_MAX_*) whose defaults are these.
 */
public final class ApiLimits {
    private static final int MIB = 1024 * 1024;

    /** An id is 1 to this many bytes of UTF-8; not a setting. */
    public static final int MAX_ID_BYTES = 256;
    /** Default of STOWAGE_MAX_BATCH_MESSAGES: messages (or ids) per request. */
    public static final int DEFAULT_MAX_BATCH_MESSAGES = 10_000;
    /** Default of STOWAGE_MAX_MESSAGE_BYTES: the protobuf encoding of one message. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 * MIB;
    /** Default of STOWAGE_MAX_BATCH_BYTES: the sum of the messages of one PutBatch. */
    public static final int DEFAULT_MAX_BATCH_BYTES = 64 * MIB;

    private ApiLimits() {}

    /** {@code bytes} as the settings write a size: 8MiB, or a plain number of bytes. */
    public static String sizeText(int bytes) {
        return bytes % MIB == 0 ? bytes / MIB + "MiB" : Integer.toString(bytes);
    }
}
