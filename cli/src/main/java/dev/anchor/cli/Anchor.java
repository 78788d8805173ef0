package dev.anchor.cli;

import dev.anchor.cli.lab.LabCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code anchor} command. */
@Command(name = "anchor",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
                "A WebSocket gateway that keeps long-lived connections alive, built three ways.",
                "",
                "Start here:  anchor demo     (a gateway and three echo backends on this machine)",
                "Run it:      anchor run --config gateway.yaml",
        },
        subcommands = {RunCommand.class, DemoCommand.class, ClientCommand.class, CapacityCommand.class, LabCommand.class,
                CertificateCommand.class,
                ConformCommand.class,
                CommandLine.HelpCommand.class},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'anchor help COMMAND' for a command's options."})
public final class Anchor implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Logging.configure();
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Anchor());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("anchor: " + Failures.describe(e));
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
