package dev.anchor.cli.lab;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "lab",
        description = {"Small experiments the chapters run: what TCP and HTTP notice about a peer, and what a drain looks like to its clients."},
        subcommands = {FrozenPeerLab.class, DrainLab.class, LabPeer.class},
        mixinStandardHelpOptions = true)
public final class LabCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
