package dev.anchor.cli.lab;

import dev.anchor.core.config.ConfigValues;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import dev.anchor.core.gateway.GatewayProviders;
import dev.anchor.core.lifecycle.DrainReport;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.echo.EchoServer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Drains a gateway with live tunnels and watches what their clients see, and when. The clients are
 * the JDK's own WebSocket client, which reports a connection that ended without a Close frame as
 * code 1006, as a browser does (or as an error, for a reset). In {@code ping} mode every client should hear
 * Close 1001, at moments spread over {@code drain.spread}; in {@code off} mode no Close can be
 * placed, and every client should see its connection end, late in the drain, without one.
 */
@Command(name = "drain",
        description = {"Drain a gateway with live tunnels and show what each client saw, and when.",
                "It opens tunnels to an echo backend through a gateway in this process,",
                "drains the gateway as SIGTERM does, and prints the close codes, their spread",
                "over time and the drain's own report."},
        mixinStandardHelpOptions = true)
public final class DrainLab implements Callable<Integer> {
    /** How a connection that ended without a Close frame is reported by a browser (RFC 6455 section 7.1.5). */
    static final int ABNORMAL = 1006;
    /** Opening and checking one tunnel takes milliseconds; this bounds a machine that is very busy. */
    private static final Duration OPEN_LIMIT = Duration.ofSeconds(30);
    /** What the drain may take beyond drain.timeout before the lab calls it stuck. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    /** How many handshakes are in flight at once: a burst of hundreds would measure the accept queue. */
    private static final int OPENING_AT_ONCE = 32;

    @Spec
    CommandSpec spec;

    @Option(names = "--impl", paramLabel = "NAME", defaultValue = "nio",
            description = "blocking, nio or netty (default: ${DEFAULT-VALUE}).")
    String implementation;

    @Option(names = "--tunnels", paramLabel = "N", defaultValue = "100",
            description = "How many tunnels to open before the drain (default: ${DEFAULT-VALUE}).")
    int tunnels;

    @Option(names = "--mode", paramLabel = "ping|off", defaultValue = "ping", converter = ModeConverter.class,
            description = "heartbeat.mode: ping follows frames and can place a Close; off is a byte tunnel (default: ${DEFAULT-VALUE}).")
    HeartbeatConfig.Mode mode;

    @Option(names = "--spread", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "drain.spread (default: ${DEFAULT-VALUE}).")
    Duration spread;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "drain.timeout (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (tunnels < 1 || tunnels > 10_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tunnels must be 1..10000, got " + tunnels);
        }
        GatewayProvider provider = GatewayProviders.find(implementation).orElseThrow(() ->
                new CommandLine.ParameterException(spec.commandLine(), "no implementation called '" + implementation
                        + "' in this build; choose one of "
                        + GatewayProviders.available().stream().map(GatewayProvider::name).toList()));
        PrintWriter out = spec.commandLine().getOut();
        try (EchoServer echo = EchoServer.start()) {
            GatewayConfig config = GatewayConfig.builder()
                    .implementation(implementation)
                    .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .route("/", BalancerKind.ROUND_ROBIN, List.of(echo.address()))
                    .heartbeat(mode, HeartbeatConfig.Leg.DEFAULT, HeartbeatConfig.Leg.DEFAULT)
                    .drain(timeout, spread)
                    .build();
            Gateway gateway = provider.start(config);
            HttpClient http = HttpClient.newHttpClient();
            try {
                header(out, gateway);
                run(out, gateway, echo, http);
            } finally {
                http.shutdownNow();
                gateway.close();
            }
        }
        return 0;
    }

    private void header(PrintWriter out, Gateway gateway) {
        String transport = gateway.status().transport();
        out.printf("anchor lab drain: the %s gateway%s in %s mode, %d tunnels to one echo backend, all on this machine%n",
                gateway.implementation(), transport == null ? "" : " (" + transport + ")", mode.configName(), tunnels);
        out.printf("  %s %s %s, %d CPUs, Java %s%n", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), Runtime.version());
        out.printf("  drain.spread %s, drain.timeout %s%n%n", ConfigValues.describe(spread), ConfigValues.describe(timeout));
        out.flush();
    }

    private void run(PrintWriter out, Gateway gateway, EchoServer echo, HttpClient http) throws Exception {
        URI uri = URI.create("ws://" + gateway.address().getAddress().getHostAddress() + ":" + gateway.address().getPort()
                + "/drain-lab");
        long opening = System.nanoTime();
        List<Client> clients = new ArrayList<>();
        for (int from = 0; from < tunnels; from += OPENING_AT_ONCE) {
            List<Client> batch = new ArrayList<>();
            for (int i = from; i < Math.min(tunnels, from + OPENING_AT_ONCE); i++) {
                batch.add(Client.open(http, uri, i));
            }
            for (Client c : batch) {
                c.awaitEcho(deadline(opening, OPEN_LIMIT));
            }
            clients.addAll(batch);
        }
        out.printf("opened %d tunnels in %.2f s, each checked with one echo%n", tunnels, seconds(System.nanoTime() - opening));
        out.printf("draining, as SIGTERM does: gateway.drain()%n%n");
        out.flush();

        long began = System.nanoTime();
        CompletableFuture<DrainReport> drain = gateway.drain();
        CompletableFuture<Long> over = drain.thenApply(report -> System.nanoTime());
        DrainReport report;
        try {
            report = drain.get(timeout.plus(SLACK).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the drain was not over " + millis(timeout.plus(SLACK).toNanos())
                    + " ms after it began, though drain.timeout is " + ConfigValues.describe(timeout), e);
        }
        long drainedAfter = over.join() - began;
        // whatever the drain left open goes now, as the process would exit
        gateway.close();
        long closedAfter = System.nanoTime() - began;
        List<Ending> endings = new ArrayList<>();
        int open = 0;
        long endsBy = System.nanoTime() + SLACK.toNanos();
        for (Client c : clients) {
            Ending e = c.awaitEnd(endsBy);
            if (e == null) {
                open++;
            } else {
                endings.add(e);
            }
        }

        print(out, endings, open, began, drainedAfter, closedAfter, report, echo);
    }

    private void print(PrintWriter out, List<Ending> endings, int open, long began, long drainedAfter,
                       long closedAfter, DrainReport report, EchoServer echo) {
        Map<Integer, Long> codes = new TreeMap<>(endings.stream()
                .collect(Collectors.groupingBy(Ending::code, Collectors.counting())));
        String counted = codes.entrySet().stream().map(e -> e.getKey() + " x " + e.getValue())
                .collect(Collectors.joining(", "));
        row(out, "close codes", (counted.isEmpty() ? "none" : counted)
                + (open == 0 ? "" : ", and " + open + " still open after the gateway closed"));
        // for 1006 there is no reason on the wire: what is shown is what the client saw instead
        Map<String, Long> reasons = new TreeMap<>(endings.stream()
                .collect(Collectors.groupingBy(e -> "'" + e.reason() + "'", Collectors.counting())));
        row(out, "reasons", reasons.entrySet().stream().limit(3).map(e -> e.getKey() + " x " + e.getValue())
                .collect(Collectors.joining(", ")) + (reasons.size() > 3 ? ", ..." : ""));
        long[] at = endings.stream().mapToLong(e -> e.at() - began).sorted().toArray();
        if (at.length > 0) {
            row(out, "arrived", String.format(Locale.ROOT, "first %,d ms, median %,d ms, last %,d ms after the drain began",
                    millis(at[0]), millis(at[at.length / 2]), millis(at[at.length - 1])));
            row(out, "arrivals per tenth", histogram(at));
        }
        row(out, "drain over after", String.format(Locale.ROOT, "%,d ms (the drain's future completed)", millis(drainedAfter)));
        row(out, "report", report.describe());
        row(out, "gateway closed after", String.format(Locale.ROOT, "%,d ms", millis(closedAfter)));
        row(out, "echo backend", echo.openConnections() + " connections still open");
        out.println();
        if (mode == HeartbeatConfig.Mode.PING) {
            out.printf("In ping mode the gateway follows the frames, so it can say goodbye in the protocol: a Close 1001%n"
                    + "between two frames, at a moment of each tunnel's own within drain.spread.%n");
        } else {
            out.printf("In off mode the gateway is a byte tunnel and cannot place a Close frame, so it leaves each tunnel%n"
                    + "alone as long as the drain allows and then ends it with FIN, within the last drain.spread before%n"
                    + "drain.timeout. The clients see the connection end without a Close (reported as %d): that is the%n"
                    + "price of off mode, paid late rather than at once.%n", ABNORMAL);
        }
        out.flush();
    }

    /**
     * How many arrivals fell in each tenth of the window where the goodbyes are due (the first
     * drain.spread in ping mode, the last one before drain.timeout in off mode), so that the spread
     * can be seen and not only summarised.
     */
    private String histogram(long[] at) {
        long from = mode == HeartbeatConfig.Mode.PING ? 0 : timeout.minus(spread).toNanos();
        long tenth = Math.max(1, spread.toNanos() / 10);
        int[] counts = new int[10];
        int before = 0;
        int after = 0;
        for (long t : at) {
            long i = Math.floorDiv(t - from, tenth);
            if (i < 0) {
                before++;
            } else if (i >= counts.length) {
                after++;
            } else {
                counts[(int) i]++;
            }
        }
        StringBuilder s = new StringBuilder();
        if (before > 0) {
            s.append(before).append(" before | ");
        }
        for (int i = 0; i < counts.length; i++) {
            s.append(i == 0 ? "" : " ").append(counts[i]);
        }
        if (after > 0) {
            s.append(" | ").append(after).append(" after");
        }
        return s + String.format(Locale.ROOT, "  (tenths of %s to %s)",
                ConfigValues.describe(Duration.ofNanos(from)).replace("off", "0s"),
                ConfigValues.describe(Duration.ofNanos(from).plus(spread)));
    }

    private static void row(PrintWriter out, String what, String value) {
        out.printf("  %-22s %s%n", what, value);
    }

    private static long deadline(long from, Duration limit) {
        return from + limit.toNanos();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** How one client's connection ended: the code of the Close it received, or 1006 for none, and when. */
    record Ending(int code, String reason, long at) {
    }

    /**
     * One tunnel's client: sends one message, waits for its echo, and then waits for the end. It
     * answers a Close with a Close 1000, as a browser does, so the gateway's goodbye is a proper close
     * handshake and not a half-finished one.
     */
    private static final class Client implements WebSocket.Listener {
        private final int index;
        private final CompletableFuture<String> echoed = new CompletableFuture<>();
        private final CompletableFuture<Ending> ended = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private CompletableFuture<WebSocket> connected;

        private Client(int index) {
            this.index = index;
        }

        static Client open(HttpClient http, URI uri, int index) {
            Client c = new Client(index);
            c.connected = http.newWebSocketBuilder().connectTimeout(OPEN_LIMIT).buildAsync(uri, c);
            c.connected.whenComplete((ws, failed) -> {
                if (failed != null) {
                    c.echoed.completeExceptionally(failed);
                } else {
                    ws.sendText(c.message(), true);
                }
            });
            return c;
        }

        private String message() {
            return "tunnel " + index;
        }

        void awaitEcho(long deadline) throws Exception {
            String got;
            try {
                got = echoed.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("tunnel " + index + ": no echo within " + OPEN_LIMIT.toSeconds() + " s"
                        + (connected.isDone() ? "" : " (the handshake did not complete)"), e);
            }
            if (!got.equals(message())) {
                throw new IllegalStateException("tunnel " + index + ": echoed '" + got + "', sent '" + message() + "'");
            }
        }

        /** The ending, or null if the connection is still open at {@code deadline}. */
        Ending awaitEnd(long deadline) throws Exception {
            try {
                return ended.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return null;
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                echoed.complete(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        // tag::lab-listener[]
        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            // 1006 never travels in a Close frame (RFC 6455 section 7.4.1): the JDK made it up for an EOF
            ended.complete(new Ending(code, code == ABNORMAL ? "no Close frame, the connection just ended" : reason,
                    System.nanoTime()));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, ""); // as a browser answers: the close handshake completes
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            // the connection ended without a Close frame, and not with a plain EOF: a reset, say
            ended.complete(new Ending(ABNORMAL, String.valueOf(error), System.nanoTime()));
            echoed.completeExceptionally(error);
        }
        // end::lab-listener[]
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return ConfigValues.duration("duration", text);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a duration such as 500ms, 2s or 1m");
            }
        }
    }

    static final class ModeConverter implements CommandLine.ITypeConverter<HeartbeatConfig.Mode> {
        @Override
        public HeartbeatConfig.Mode convert(String text) {
            for (HeartbeatConfig.Mode m : HeartbeatConfig.Mode.values()) {
                if (m.configName().equals(text)) {
                    return m;
                }
            }
            throw new CommandLine.TypeConversionException("'" + text + "' is not ping or off");
        }
    }
}
