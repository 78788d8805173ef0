package dev.anchor.conformance.targets;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import dev.anchor.conformance.Capability;
import dev.anchor.conformance.tls.RunCa;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A gateway started as a process from a {@link TargetFile}: for each fixture its templates are
 * rendered with the fixture's settings into a fresh folder, its command is run, and it is ready
 * when its listen port accepts. Stopping it is SIGTERM, then SIGKILL for anything left. The
 * process's output is kept in the folder, and quoted when it fails to start.
 */
public final class ProcessTarget implements Target {
    private static final int START_ATTEMPTS = 3;

    private final TargetFile file;
    private final MustacheFactory mustaches = new DefaultMustacheFactory();

    public ProcessTarget(TargetFile file) {
        this.file = file;
    }

    public static ProcessTarget read(Path targetFile) throws IOException {
        return new ProcessTarget(TargetFile.read(targetFile));
    }

    /** {@link #read}, for a suite subclass whose target file ships with it. */
    public static ProcessTarget of(Path targetFile) {
        try {
            return read(targetFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the target file " + targetFile, e);
        }
    }

    public TargetFile file() {
        return file;
    }

    @Override
    public String name() {
        return file.name();
    }

    @Override
    public String implementation() {
        return file.implementation();
    }

    @Override
    public Set<Capability> capabilities() {
        return file.capabilities();
    }

    @Override
    public boolean graded() {
        return !file.strict();
    }

    @Override
    public Expectations expectations() {
        return file.expectations();
    }

    @Override
    public Optional<String> unavailable() {
        for (String program : file.requires()) {
            if (!onPath(program)) {
                return Optional.of(program + " is not installed here (the target requires it on PATH)");
            }
        }
        return SocketCensus.available() ? Optional.empty()
                : Optional.of("the suite checks an outside gateway's connections in /proc, which this system lacks");
    }

    @Override
    public Optional<GatewayProvider> javaProvider() {
        return Optional.empty();
    }

    @Override
    public Gateway start(GatewayConfig config) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            GatewayConfig withPort = config.listen().getPort() != 0 ? config
                    : config.toBuilder().listen(new InetSocketAddress(config.listen().getAddress(),
                            freePort(config.listen().getAddress()))).build();
            try {
                return launch(withPort);
            } catch (PortTaken e) {
                // another process took the port between our look and the gateway's bind: try another
                last = e;
            }
        }
        throw last;
    }

    private ProcessGateway launch(GatewayConfig config) throws IOException {
        Path dir = Files.createTempDirectory("anchor-target-" + file.name() + "-");
        Map<String, Object> model = writeFiles(config, dir);
        List<String> command = new ArrayList<>();
        for (String token : file.command()) {
            command.add(render("command", token, model));
        }
        Path output = dir.resolve("output.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        ProcessGateway gateway = new ProcessGateway(this, process, config.listen(), dir, output,
                config.listenTls().enabled() ? RunCa.get().client() : null);
        long deadline = System.nanoTime() + file.readyTimeout().toNanos();
        while (true) {
            if (!process.isAlive()) {
                String said = gateway.output();
                gateway.close();
                if (said.contains("ddress already in use")) {
                    throw new PortTaken(said);
                }
                throw new StartRefused(file.name() + " exited with code " + process.exitValue()
                        + " before it accepted on " + config.listen() + "; it said:\n" + said, null);
            }
            if (accepts(config.listen())) {
                return gateway;
            }
            if (System.nanoTime() > deadline) {
                String said = gateway.output();
                gateway.close();
                throw new IOException(file.name() + " did not accept on " + config.listen() + " within "
                        + file.readyTimeout() + "; it said:\n" + said);
            }
            try {
                Thread.sleep(10); // polling a port another process opens: there is nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                gateway.close();
                throw new IOException("interrupted while " + file.name() + " started", e);
            }
        }
    }

    /** Renders the target's files for {@code config} into {@code dir}: at start, and again for a reload. */
    Map<String, Object> writeFiles(GatewayConfig config, Path dir) throws IOException {
        Map<String, Object> model = TemplateModel.of(config, dir, Map.of(
                "java", ProcessHandle.current().info().command().orElse("java"),
                "targetDir", file.file().toAbsolutePath().getParent().toString(),
                "anchorJar", System.getProperty("anchor.jar", "cli/target/anchor.jar"),
                "runningAsRoot", "root".equals(System.getProperty("user.name"))));
        for (Map.Entry<String, Path> t : file.templates().entrySet()) {
            Files.writeString(dir.resolve(t.getKey()), render(t.getValue().toString(),
                    Files.readString(t.getValue(), StandardCharsets.UTF_8), model), StandardCharsets.UTF_8);
        }
        return model;
    }

    @Override
    public Optional<String> held(Gateway gateway) {
        try {
            Map<String, Integer> held = SocketCensus.connections(((ProcessGateway) gateway).process().toHandle());
            return held.isEmpty() ? Optional.empty() : Optional.of("TCP connections " + held + " in the process");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String render(String name, String template, Map<String, Object> model) {
        Mustache m = mustaches.compile(new StringReader(template), name);
        StringWriter out = new StringWriter();
        m.execute(out, model);
        return out.toString();
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", program)) || Files.isExecutable(Path.of("/sbin", program));
    }

    private static final class PortTaken extends IOException {
        private static final long serialVersionUID = 1L;

        PortTaken(String said) {
            super("the port was taken before the gateway could bind it: " + said);
        }
    }
}
