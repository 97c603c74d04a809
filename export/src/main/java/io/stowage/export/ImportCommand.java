package io.stowage.export;

import io.stowage.client.StowageClient;
import io.stowage.common.config.ClientSettings;
import io.stowage.common.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stowage import}: an awakari messages collection in MongoDB, into the archive. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Import the messages of an awakari messages collection (MongoDB) into the archive, through PutBatch,"
                    + " so that an awakari deployment can move its messages to Stowage.",
            "",
            "Each document holds the message id (--id-field), a time (--time-field, a date) and the serialized"
                    + " CloudEvent in protobuf bytes (--event-field). The CloudEvent is stored as it is; when it has no"
                    + " time attribute, the document's time becomes it. Documents are read in (time, id) order and a"
                    + " checkpoint is written after every stored batch: run the same import again and it goes on"
                    + " after the last stored batch (storing a message again is a no-op anyway). It prints how many"
                    + " documents it read, stored and rejected (no CloudEvent, an unreadable one, an id stored with"
                    + " other content); the counts add up over runs; it exits 3 when this run rejected some.",
            ""},
        footer = {"", "Example:",
            "  stowage import --from mongodb://localhost:27017/awakari.messages"})
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "<mongodb-uri>",
            description = "The collection: mongodb://host[:port]/database.collection (any MongoDB connection string whose"
                    + " path names database.collection).")
    String from;

    @Option(names = "--id-field", defaultValue = "id", description = "Field of the message id. Default: id.")
    String idField;

    @Option(names = "--time-field", defaultValue = "time", description = "Field of the message time (a date). Default: time.")
    String timeField;

    @Option(names = "--event-field", defaultValue = "data",
            description = "Field of the serialized CloudEvent (binary, protobuf format). Default: data.")
    String eventField;

    @Option(names = "--checkpoint", paramLabel = "<file>",
            description = "Where the import notes how far it got. Default: stowage-import-<database>.<collection>.checkpoint"
                    + " in the current directory.")
    Path checkpoint;

    @Option(names = "--batch", defaultValue = "500", description = "Messages per PutBatch. Default: 500.")
    int batch;

    private final Function<ClientSettings, StowageClient> connect;

    public ImportCommand() {
        this(ServerConnection.DEFAULT);
    }

    /** With {@code connect} making the client from the settings (tests reach an in-process server). */
    public ImportCommand(Function<ClientSettings, StowageClient> connect) {
        this.connect = connect;
    }

    public static CommandSpec commandSpec() {
        return commandSpec(new ImportCommand());
    }

    public static CommandSpec commandSpec(ImportCommand command) {
        return ServerConnection.withClientOptions(CommandSpec.forAnnotatedObject(command));
    }

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new ConfigException("--batch must be at least 1");
        }
        MongoTarget source = MongoTarget.parse(from);
        Path cp = checkpoint != null ? checkpoint
                : Path.of("stowage-import-" + source.database() + "." + source.collection() + ".checkpoint");
        try (StowageClient client = connect.apply(ServerConnection.settings(spec.commandLine().getParseResult()))) {
            AwakariImport.Summary s = new AwakariImport(client, source,
                    new AwakariImport.Shape(idField, timeField, eventField), cp, batch, Progress.onStderr("import")).run();
            spec.commandLine().getOut().printf("read %,d, stored %,d, rejected %,d (this run read %,d and rejected %,d;"
                    + " from %s; checkpoint %s)%n", s.read(), s.stored(), s.rejected(), s.readNow(), s.rejectedNow(),
                    source.describe(), cp);
            return s.rejectedNow() > 0 ? 3 : 0;
        }
    }
}
