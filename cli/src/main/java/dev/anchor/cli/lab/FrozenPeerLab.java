package dev.anchor.cli.lab;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import jdk.net.ExtendedSocketOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Freezes a peer process (SIGSTOP) and watches who notices: TCP keepalive, an idle HTTP keep-alive
 * connection, and an application-level ping. Then kills it (SIGKILL) and watches again. A frozen
 * process is still answered for by its kernel: it ACKs data and keepalive probes, so TCP reports
 * a healthy connection to a peer that will never reply. Only a message that needs an answer from
 * the application itself finds out.
 */
@Command(name = "frozen-peer",
        description = {"Freeze a peer process and see what notices: TCP keepalive, HTTP keep-alive, an application ping.",
                "Then kill it and see what notices that. Linux or macOS (uses kill -STOP)."},
        mixinStandardHelpOptions = true)
public final class FrozenPeerLab implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--watch", paramLabel = "SECONDS", defaultValue = "8",
            description = "How long to watch the frozen peer (default: ${DEFAULT-VALUE}).")
    int watchSeconds;

    @Option(names = "--ping-timeout", paramLabel = "SECONDS", defaultValue = "2",
            description = "How long the application ping waits for its pong (default: ${DEFAULT-VALUE}).")
    int pingTimeoutSeconds;

    private long started;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Process peer = startPeer();
        // Ctrl+C skips the finally below; a stopped child would outlive us, so kill it on exit too
        Thread cleanup = new Thread(peer::destroyForcibly, "lab-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(peer.getInputStream()))
                    .readLine().substring("listening ".length()));
            InetAddress loopback = InetAddress.getLoopbackAddress();

            // tag::three-watchers[]
            Socket keepalive = new Socket(loopback, port);
            keepalive.setKeepAlive(true);
            keepalive.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 1);
            keepalive.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 1);
            keepalive.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 3);

            Socket http = new Socket(loopback, port);
            send(http, "GET /hello HTTP/1.1\r\nHost: peer\r\n\r\n");
            String status = readResponse(http.getInputStream());

            Socket app = new Socket(loopback, port);
            send(app, "ping\n");
            String pong = readLine(app.getInputStream());
            // end::three-watchers[]

            out.printf("peer process %d on port %d: HTTP said '%s', ping got '%s'%n", peer.pid(), port, status, pong);
            out.printf("freezing it with SIGSTOP: the process stays, its kernel keeps answering for it%n%n");
            out.flush();
            signal("STOP", peer.pid());
            started = System.nanoTime();

            CompletableFuture<String> byKeepalive = watch(() -> awaitEnd(keepalive, watchSeconds));
            CompletableFuture<String> byHttp = watch(() -> {
                send(http, "GET /again HTTP/1.1\r\nHost: peer\r\n\r\n");
                return awaitReply(http, watchSeconds, "the next request on the idle connection got no answer");
            });
            CompletableFuture<String> byPing = watch(() -> {
                send(app, "ping\n");
                return awaitReply(app, pingTimeoutSeconds, "no pong: declared dead");
            });
            table(out, "while frozen, watched for " + watchSeconds + " s", List.of(
                    row("TCP keepalive (idle 1 s, probe every 1 s, 3 probes)", byKeepalive.get()),
                    row("HTTP keep-alive connection, idle then reused", byHttp.get()),
                    row("application ping, " + pingTimeoutSeconds + " s timeout", byPing.get())));

            out.printf("%nnow killing it with SIGKILL: its kernel closes its sockets%n%n");
            out.flush();
            Socket fresh = new Socket(loopback, port);
            signal("KILL", peer.pid());
            started = System.nanoTime();
            table(out, "after the kill", List.of(
                    row("an idle connection", awaitEnd(fresh, watchSeconds)),
                    row("the keepalive connection", awaitEnd(keepalive, watchSeconds))));
            out.printf("%nA crash is visible at once; a frozen process (or a vanished host, where not even the kernel%n"
                    + "answers) is not. Only an answer from the application itself proves it is alive.%n");
            out.flush();
            for (Socket s : List.of(keepalive, http, app, fresh)) {
                s.close();
            }
            return 0;
        } finally {
            peer.destroyForcibly();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private Process startPeer() throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.anchor.cli.Anchor", "lab", "peer")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed");
        }
    }

    /** Waits for the connection to end; says how it ended, or that it did not. */
    private String awaitEnd(Socket s, int seconds) throws IOException {
        s.setSoTimeout(seconds * 1000);
        try {
            int b = s.getInputStream().read();
            return b < 0 ? "noticed after " + elapsed() + ": read() returned -1 (FIN)"
                    : "data arrived after " + elapsed();
        } catch (SocketTimeoutException e) {
            return "NOT noticed: still established after " + elapsed();
        } catch (SocketException e) {
            return "noticed after " + elapsed() + ": " + e.getMessage();
        }
    }

    private String awaitReply(Socket s, int seconds, String silence) throws IOException {
        s.setSoTimeout(seconds * 1000);
        try {
            String line = readLine(s.getInputStream());
            return "answered '" + line + "' after " + elapsed();
        } catch (SocketTimeoutException e) {
            return (seconds < watchSeconds ? "noticed" : "NOT noticed") + " after " + elapsed() + ": " + silence;
        }
    }

    private String elapsed() {
        return String.format("%.1f s", (System.nanoTime() - started) / 1e9);
    }

    private static CompletableFuture<String> watch(Callable<String> watcher) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(watcher.call());
            } catch (Exception e) {
                f.complete("failed: " + e);
            }
        });
        return f;
    }

    private static String[] row(String what, String result) {
        return new String[] {what, result};
    }

    private static void table(PrintWriter out, String title, List<String[]> rows) {
        out.println(title + ":");
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        for (String[] r : rows) {
            out.printf("  %-" + width + "s  %s%n", r[0], r[1]);
        }
        out.flush();
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads a whole small response, head and Content-Length body; returns its status line. */
    private static String readResponse(InputStream in) throws IOException {
        String status = readLine(in);
        int length = 0;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.readNBytes(length);
        return status;
    }
}
