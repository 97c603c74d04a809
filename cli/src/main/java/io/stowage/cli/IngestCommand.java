package io.stowage.cli;

import io.stowage.ingest.IngestConfig;
import io.stowage.ingest.IngestRuntime;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Model.CommandSpec;

/** {@code stowage ingest}: the ingest worker. */
final class IngestCommand implements Callable<Integer> {
    private CommandSpec spec;

    static CommandSpec commandSpec() {
        IngestCommand command = new IngestCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("ingest").mixinStandardHelpOptions(true);
        spec.usageMessage().description(
                "Run the ingest worker: consume every Kafka topic matching STOWAGE_TOPICS except the veto list, and"
                        + " archive each record through PutBatch on STOWAGE_SERVER. Offsets are committed only for"
                        + " acknowledged records; workers with the same STOWAGE_GROUP_ID share the partitions.",
                "While the server is down it pauses and retries, losing nothing. Stops gracefully on SIGTERM.");
        SettingOptions.addTo(spec, IngestConfig.SETTINGS);
        command.spec = spec;
        return spec;
    }

    @Override
    public Integer call() throws InterruptedException {
        IngestConfig config = IngestConfig.from(
                SettingOptions.source(spec.commandLine().getParseResult(), IngestConfig.SETTINGS));
        AtomicReference<IngestRuntime> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Shutdown.onStop("stowage-ingest-stop", () -> {
            IngestRuntime r = running.get();
            if (r == null) {
                main.interrupt(); // still waiting for Kafka
            } else {
                r.close();
            }
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            running.set(IngestRuntime.start(config, ClientOptions.builder(config.client())));
            System.out.println("Stowage ingest worker is running: " + config.bootstrapServers() + " -> "
                    + config.server() + "; health and metrics on http://localhost:" + running.get().httpPort() + "/metrics");
            while (running.get().isRunning()) {
                Thread.sleep(500);
            }
            return Shutdown.inProgress() ? StowageCommand.ExitCodes.OK : StowageCommand.ExitCodes.FAILED;
        } catch (InterruptedException e) {
            return StowageCommand.ExitCodes.OK;
        } finally {
            stopped.countDown();
        }
    }
}
