package io.stowage.cli;

import io.grpc.Status;
import io.stowage.client.StowageException;
import io.stowage.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure into one line that says what is wrong, and an exit code; the stack trace goes to
 * the log at debug level only.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        String name = cmd.getCommandSpec().qualifiedName();
        if (e instanceof ConfigException) {
            cmd.getErr().println(name + ": invalid configuration: " + e.getMessage());
            return StowageCommand.ExitCodes.USAGE;
        }
        if (e instanceof InvalidInputException || e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            cmd.getErr().println(name + ": invalid input: " + e.getMessage());
            return StowageCommand.ExitCodes.USAGE;
        }
        if (e instanceof StowageException se && se.code() == Status.Code.INVALID_ARGUMENT) {
            cmd.getErr().println(name + ": the server refused the request: " + e.getMessage());
            return StowageCommand.ExitCodes.USAGE;
        }
        if (e instanceof StowageException se && se.code() == Status.Code.UNIMPLEMENTED) {
            cmd.getErr().println(name + ": the server does not know this call: it is older than this stowage command;"
                    + " upgrade the server, or use a stowage command of the server's version (" + e.getMessage() + ")");
            return StowageCommand.ExitCodes.FAILED;
        }
        if (e instanceof java.nio.file.NoSuchFileException nsf) {
            cmd.getErr().println(name + ": no such file: " + nsf.getFile());
            return StowageCommand.ExitCodes.USAGE;
        }
        log.debug("{} failed", name, e);
        cmd.getErr().println(name + ": " + describe(e));
        return StowageCommand.ExitCodes.FAILED;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message;
    }
}
