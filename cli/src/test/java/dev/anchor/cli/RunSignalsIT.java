package dev.anchor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anchor run} as an operator drives it, with real signals to the packaged jar: SIGHUP
 * reloads the file or refuses it naming the key, SIGTERM drains (every client hears 1001) and the
 * process exits 0 with a summary, and a second SIGTERM stops it at once.
 */
class RunSignalsIT {
    private static final Duration PROMPT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private EchoServer echo;
    private Process anchor;
    private Path output;
    private int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        port = freePort();
        Files.writeString(dir.resolve("anchor.yaml"), config("/"));
        output = dir.resolve("output.log");
        anchor = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                System.getProperty("anchor.jar", "target/anchor.jar"), "run", "--config", dir.resolve("anchor.yaml").toString(),
                "--impl", "nio")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        await("the gateway to accept", () -> accepts(port));
    }

    @AfterEach
    void stop() throws Exception {
        anchor.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        echo.close();
    }

    @Test
    void sighupAppliesAGoodFileAndRefusesABadOneNamingTheKey() throws Exception {
        Client live = connect("/");
        Files.writeString(dir.resolve("anchor.yaml"), config("/") + "timeouts: {conect: 5s}\n");
        signal("HUP");
        await("the refusal", () -> said().contains("reload refused") && said().contains("timeouts.conect"));
        assertThat(status()).contains("\"reloadsRefused\" : 1").contains("\"generation\" : 1");
        live.echo("still here");

        Files.writeString(dir.resolve("anchor.yaml"), config("/", "/new"));
        signal("HUP");
        await("the reload", () -> status().contains("\"generation\" : 2"));
        connect("/new").echo("on the new route");
        live.echo("and the old tunnel is untouched");
    }

    @Test
    void sigtermDrainsEveryClientWithGoingAwayAndExitsZero() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(connect("/"));
        }
        signal("TERM");
        for (Client c : clients) {
            assertThat(c.closed.get(PROMPT.toSeconds(), TimeUnit.SECONDS)).as("the close code a client heard").isEqualTo(1001);
            c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        assertThat(anchor.waitFor(PROMPT.toSeconds(), TimeUnit.SECONDS)).as("the process exits").isTrue();
        assertThat(anchor.exitValue()).isZero();
        assertThat(said()).contains("SIGTERM: draining").contains("drained in").contains("5 tunnels open at the start");
    }

    @Test
    void aSecondSigtermStopsAtOnce() throws Exception {
        Socket deaf = deafClient();
        signal("TERM");
        await("the drain to begin", () -> said().contains("SIGTERM: draining"));
        signal("TERM");
        // the drain would take 30 s: the client above never answers its Close
        assertThat(anchor.waitFor(PROMPT.toSeconds(), TimeUnit.SECONDS)).as("the process exits at once").isTrue();
        assertThat(anchor.exitValue()).isZero();
        assertThat(said()).contains("stopped at once");
        deaf.close();
    }

    // --- helpers -----------------------------------------------------------------------------

    private String config(String... paths) {
        StringBuilder routes = new StringBuilder("routes:\n");
        for (String p : paths) {
            routes.append("  - {path: ").append(p).append(", backends: [\"127.0.0.1:").append(echo.address().getPort())
                    .append("\"]}\n");
        }
        return "listen: 127.0.0.1:" + port + "\n" + routes
                + "heartbeat: {mode: ping}\n"
                + "drain: {timeout: 30s, spread: 500ms}\n";
    }

    /** A JDK WebSocket client through the gateway; {@code closed} completes with the code it heard. */
    private Client connect(String path) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        List<CompletableFuture<String>> replies = new ArrayList<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path),
                new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            synchronized (replies) {
                                replies.stream().filter(f -> !f.isDone()).findFirst().ifPresent(f -> f.complete(text.toString()));
                            }
                            text.setLength(0);
                        }
                        s.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket s, int code, String reason) {
                        closed.complete(code);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket s, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(PROMPT.toSeconds(), TimeUnit.SECONDS);
        return new Client(ws, closed, replies);
    }

    /** A client that upgrades and then reads nothing, so it never answers the gateway's Close. */
    private Socket deafClient() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout((int) PROMPT.toMillis());
        String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertThat(head).isEqualTo("HTTP/1.1 101");
        return s;
    }

    private record Client(WebSocket socket, CompletableFuture<Integer> closed, List<CompletableFuture<String>> replies) {
        void echo(String text) throws Exception {
            CompletableFuture<String> reply = new CompletableFuture<>();
            synchronized (replies) {
                replies.add(reply);
            }
            socket.sendText(text, true).get(PROMPT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reply.get(PROMPT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(text);
        }
    }

    private String status() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "(no status: " + e + ")";
        }
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(anchor.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private String said() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PROMPT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + PROMPT.toSeconds() + " s for " + what + "; the gateway said:\n" + said());
            }
            if (!anchor.isAlive()) {
                throw new AssertionError("the gateway exited with " + anchor.exitValue() + " while waiting for " + what
                        + "; it said:\n" + said());
            }
            Thread.sleep(20); // polling another process: there is nothing to wait on
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
