package io.stowage.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * A command that the production distribution leaves out ({@code dev}, {@code export},
 * {@code import}): whatever it is given, it says where the command is to be found, and fails.
 */
@Command(mixinStandardHelpOptions = true)
final class NotIncludedCommand implements Callable<Integer> {
    private final String message;

    @Spec
    CommandSpec spec;

    /** Whatever the real command would take: the answer is the same. */
    @Unmatched
    List<String> ignored;

    private NotIncludedCommand(String message) {
        this.message = message;
    }

    /** The command, with {@code description} in the help and {@code message} on standard error when run. */
    static CommandSpec spec(String description, String message) {
        CommandSpec spec = CommandSpec.forAnnotatedObject(new NotIncludedCommand(message));
        spec.usageMessage().description(description);
        return spec;
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println(message);
        return StowageCommand.ExitCodes.USAGE;
    }
}
