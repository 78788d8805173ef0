package dev.anchor.conformance.netns;

import dev.anchor.conformance.Subject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace of the test's own: its own loopback, firewall and sysctls (such as the
 * ephemeral port range), so an experiment that must break the network breaks only its own. The
 * gateway under test runs inside it in a child JVM, started from its provider class. Needs Linux,
 * root and {@code ip}; {@link #cannotRun} says why not, for a test to skip by name.
 */
public final class Netns implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private final String name;

    private Netns(String name) {
        this.name = name;
    }

    /** A fresh namespace with its loopback up; {@code purpose} goes into its name. */
    public static Netns create(String purpose) throws Exception {
        Netns ns = new Netns("anchor-" + purpose + "-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet());
        run("ip", "netns", "add", ns.name);
        try {
            run("ip", "-n", ns.name, "link", "set", "lo", "up");
        } catch (Exception e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** Runs a command inside the namespace and requires it to succeed within 10 s. */
    public void exec(String... command) throws Exception {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(List.of(command));
        run(all.toArray(String[]::new));
    }

    /** Runs a command inside the namespace, with {@code input} on its standard input. */
    public void feed(String input, String... command) throws Exception {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(List.of(command));
        Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed in " + name + ": " + said);
        }
    }

    /** Starts {@code main} in a child JVM inside the namespace, on this JVM's class path. */
    public Process java(Class<?> main, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name, javaCommand(), "-cp",
                System.getProperty("java.class.path"), main.getName()));
        all.addAll(List.of(args));
        return new ProcessBuilder(all).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @Override
    public void close() throws Exception {
        run("ip", "netns", "del", name);
    }

    /**
     * Null if this machine can run a namespace experiment with {@code tools} (besides {@code ip}),
     * and a subject whose gateway a child JVM can start; else why not.
     */
    public static String cannotRun(Subject subject, String... tools) {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
            return "needs Linux";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (to create a network namespace)";
        }
        List<String> needed = new ArrayList<>(List.of("ip"));
        needed.addAll(List.of(tools));
        for (String tool : needed) {
            if (which(tool).isEmpty()) {
                return "needs the '" + tool + "' command (Debian: " + (tool.equals("nft") ? "nftables" : "iproute2") + ")";
            }
        }
        try {
            subject.provider().getClass().getConstructor();
        } catch (NoSuchMethodException e) {
            return "starts the gateway in a child JVM from its provider class, which needs a public "
                    + "no-argument constructor: " + subject.provider().getClass().getName();
        }
        return null;
    }

    /** The next line a child prints, or a description of why there is none, within {@code timeout}. */
    public static String line(BufferedReader out, Duration timeout) throws Exception {
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
            try {
                String l = out.readLine();
                return l == null ? "(the child ended)" : l;
            } catch (IOException e) {
                return "(the child's output failed: " + e + ")";
            }
        });
        return next.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Optional<Path> which(String tool) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + said);
        }
    }
}
