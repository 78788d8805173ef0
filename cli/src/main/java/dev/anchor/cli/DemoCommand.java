package dev.anchor.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo",
        description = {"Start a gateway and three WebSocket echo backends on this machine, and say how to try it.",
                "Everything listens on 127.0.0.1 only and stops with Ctrl+C."},
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--impl", paramLabel = "NAME",
            description = "blocking, nio or netty (default: the strongest this build has).")
    String implementation;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "The gateway's port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--backends", paramLabel = "N", defaultValue = "3",
            description = "How many echo backends (default: ${DEFAULT-VALUE}).")
    int backends;

    @Override
    public Integer call() throws Exception {
        String name = implementation != null ? implementation : Implementations.preferred();
        Demo demo = Demo.start(name, port, backends);
        banner(spec.commandLine().getOut(), demo);
        RunCommand.awaitShutdown(demo);
        return 0;
    }

    // tag::banner[]
    static void banner(PrintWriter out, Demo demo) {
        String ws = demo.url("/echo");
        String http = "http://" + demo.host();
        out.printf("Anchor demo: the %s gateway in front of %d echo backends (round-robin)%n",
                demo.implementation(), demo.backendCount());
        out.printf("  connect to   %s%n", ws);
        out.printf("  backends     %s%n", String.join(", ", demo.backendAddresses()));
        out.printf("  status page  %s/   (open it in a browser: tunnels, backends, headroom, live)%n", http);
        out.printf("  status       %s/status   metrics %s/metrics%n", http, http);
        out.println();
        out.println("Try it from a browser's developer console (on any page, even about:blank):");
        out.printf("  const ws = new WebSocket(\"%s\");%n", ws);
        out.println("  ws.onmessage = e => console.log(\"echo:\", e.data);");
        out.println("  ws.onopen = () => ws.send(\"hello, anchor\");");
        out.println();
        out.println("or from a second terminal:");
        out.printf("  ./anchor client %s%n", ws);
        out.println();
        out.println("Ctrl+C stops the gateway and the backends.");
        out.flush();
    }
    // end::banner[]
}
