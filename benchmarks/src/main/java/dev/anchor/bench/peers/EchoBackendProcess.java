package dev.anchor.bench.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The echo backend every target forwards to, as its own JVM pinned to the load's core with
 * taskset: {@link EchoBackendMain} from this jar. It is separate from the load client because one
 * process may hold 20,000 files on the machine this was written on, and 9,000 idle tunnels are
 * 9,000 sockets on each side. One backend serves the whole run.
 */
final class EchoBackendProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private EchoBackendProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static EchoBackendProcess start(String cpu, Path java, Path log) throws IOException {
        List<String> command = List.of("taskset", "-c", cpu, java.toString(),
                "-cp", System.getProperty("java.class.path"), EchoBackendMain.class.getName());
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("port ")) {
            process.destroyForcibly();
            throw new IOException("the echo backend did not start: " + Files.readString(log));
        }
        return new EchoBackendProcess(process, Integer.parseInt(line.substring(5).trim()));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
