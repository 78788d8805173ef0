package dev.anchor.cli;

import dev.anchor.core.tls.LocalCa;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "certificate",
        description = {"Make a certificate authority of your own and a certificate for local development.",
                "Writes ca.pem (give it to the clients and browsers that should trust the gateway),",
                "and server.pem and server.key (for listen.tls). For a real site, use a certificate",
                "from a public authority instead, e.g. Let's Encrypt's fullchain.pem and privkey.pem."},
        mixinStandardHelpOptions = true)
final class CertificateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--names", paramLabel = "NAME", split = ",", defaultValue = "localhost,127.0.0.1,::1",
            description = "Host names and IP addresses the certificate is for (default: ${DEFAULT-VALUE}).")
    List<String> names;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
            description = "Where to write ca.pem, server.pem and server.key (default: the current directory).")
    Path out;

    @Option(names = "--days", paramLabel = "N", defaultValue = "30",
            description = "How long the certificate is valid (default: ${DEFAULT-VALUE}); the authority lasts a year.")
    int days;

    @Option(names = "--force", description = "Overwrite files that exist.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (days < 1 || days > 365) {
            throw new ParameterException(spec.commandLine(), "--days: '" + days + "' is not allowed; expected 1..365");
        }
        Path ca = out.resolve("ca.pem");
        Path chain = out.resolve("server.pem");
        Path key = out.resolve("server.key");
        for (Path p : List.of(ca, chain, key)) {
            if (Files.exists(p) && !force) {
                throw new ParameterException(spec.commandLine(), p + " exists; choose another --out, or add --force");
            }
        }
        Files.createDirectories(out);
        LocalCa authority = LocalCa.create("Anchor local development CA", Duration.ofDays(365));
        authority.writeRoot(ca);
        authority.issue(Duration.ofDays(days), names.toArray(String[]::new)).write(chain, key);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("wrote %s, %s and %s (for %s, valid %d days)%n", ca, chain, key, String.join(", ", names), days);
        w.printf("in the configuration:%n  listen:%n    address: 127.0.0.1:8443%n    tls: {certificate: %s, key: %s}%n",
                chain.toAbsolutePath(), key.toAbsolutePath());
        w.printf("trust %s in the client, e.g. curl --cacert %s, or import it into a browser's authorities%n", ca, ca);
        w.flush();
        return 0;
    }
}
