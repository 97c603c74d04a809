package io.stowage.cli;

import picocli.CommandLine;

/** Entry point of the {@code stowage} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        // After SIGTERM the shutdown hooks are running; exiting now would block on them.
        if (!Shutdown.inProgress()) {
            System.exit(code);
        }
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new StowageCommand());
        cli.addSubcommand("dev", DevelopmentTools.devCommand());
        cli.addSubcommand("server", ServerCommand.commandSpec());
        cli.addSubcommand("ingest", IngestCommand.commandSpec());
        cli.addSubcommand("get", ClientCommand.spec(new GetCommand()));
        cli.addSubcommand("ids", ClientCommand.spec(new IdsCommand()));
        cli.addSubcommand("put", ClientCommand.spec(new PutCommand()));
        cli.addSubcommand("delete", ClientCommand.spec(new DeleteCommand()));
        cli.addSubcommand("status", ClientCommand.spec(new StatusCommand()));
        cli.addSubcommand("clean", ClientCommand.spec(new CleanCommand()));
        cli.addSubcommand("verify", ClientCommand.spec(new VerifyCommand()));
        cli.addSubcommand("replay", ClientCommand.spec(new ReplayCommand()));
        cli.addSubcommand("restore", ClientCommand.spec(new RestoreCommand()));
        cli.addSubcommand("export", QueryTools.exportCommand());
        cli.addSubcommand("import", QueryTools.importCommand());
        cli.addSubcommand("publish", new PublishCommand());
        cli.addSubcommand("settings", new SettingsCommand());
        cli.addSubcommand("token", new TokenCommand());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        return cli;
    }
}
