package dev.anchor.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "client",
        description = {"A small WebSocket client, to try a gateway from a terminal.",
                "Sends each line you type as a text message and prints what comes back.",
                "With --message it sends, prints the reply and exits."},
        mixinStandardHelpOptions = true)
final class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "URL", description = "e.g. ws://127.0.0.1:8080/echo")
    URI url;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "Send this, print the reply, exit.")
    List<String> messages;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long to wait to connect and, with --message, for each reply (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Printer printer = new Printer(out);
        try (HttpClient http = HttpClient.newHttpClient()) {
            WebSocket ws = http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(timeoutSeconds))
                    .buildAsync(url, printer)
                    .get(timeoutSeconds, TimeUnit.SECONDS);
            if (messages != null) {
                for (String m : messages) {
                    printer.expectOne();
                    ws.sendText(m, true).get(timeoutSeconds, TimeUnit.SECONDS);
                    if (!printer.awaitOne(timeoutSeconds)) {
                        spec.commandLine().getErr().println("anchor: no reply within " + timeoutSeconds + " s");
                        ws.abort();
                        return 1;
                    }
                }
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(timeoutSeconds, TimeUnit.SECONDS);
                return 0;
            }
            out.println("connected to " + url + " (type lines to send; Ctrl+D to close)");
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            for (String line = in.readLine(); line != null && !ws.isInputClosed(); line = in.readLine()) {
                ws.sendText(line, true).get(timeoutSeconds, TimeUnit.SECONDS);
            }
            if (!ws.isOutputClosed()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(timeoutSeconds, TimeUnit.SECONDS);
            }
            printer.closed.await(timeoutSeconds, TimeUnit.SECONDS);
            return 0;
        }
    }

    /** Prints what arrives, whole messages at a time. */
    private static final class Printer implements WebSocket.Listener {
        private final PrintWriter out;
        private final StringBuilder text = new StringBuilder();
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile CountDownLatch reply = new CountDownLatch(0);

        Printer(PrintWriter out) {
            this.out = out;
        }

        void expectOne() {
            reply = new CountDownLatch(1);
        }

        boolean awaitOne(int seconds) throws InterruptedException {
            return reply.await(seconds, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                out.println("< " + text);
                out.flush();
                text.setLength(0);
                reply.countDown();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            out.println("< (" + data.remaining() + " binary bytes" + (last ? ")" : ", more to come)"));
            out.flush();
            if (last) {
                reply.countDown();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            out.println("closed by the server: " + code + (reason.isEmpty() ? "" : " " + reason));
            out.flush();
            closed.countDown();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            out.println("connection failed: " + error);
            out.flush();
            closed.countDown();
            reply.countDown();
        }
    }
}
