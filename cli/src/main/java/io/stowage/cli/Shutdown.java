package io.stowage.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/** Runs clean-up on SIGTERM or Ctrl-C and remembers that the process is stopping. */
final class Shutdown {
    private static final AtomicBoolean STOPPING = new AtomicBoolean();

    private Shutdown() {}

    static void onStop(String name, Runnable action) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            STOPPING.set(true);
            action.run();
        }, name));
    }

    static boolean inProgress() {
        return STOPPING.get();
    }
}
