package dev.anchor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.echo.EchoOptions;
import dev.anchor.echo.EchoServer;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: headless Chromium loads it from a gateway with one live
 * tunnel, runs its script against /status, and the DOM it leaves must show that tunnel.
 */
class StatusPageBrowserTest {
    /** Page time Chromium lets pass (timers included) before it dumps the DOM: several polls. */
    private static final int VIRTUAL_TIME_MILLIS = 5000;
    /** Wall-clock bound on the browser; it normally finishes in a few seconds. */
    private static final long BROWSER_TIMEOUT_SECONDS = 90;

    @Test
    void showsTheLiveTunnelTheImplementationAndAHealthyBackend(@TempDir Path tmp) throws Exception {
        Optional<Path> chromium = chromium();
        Assumptions.assumeTrue(chromium.isPresent(),
                "chromium is not installed: no 'chromium' on PATH and no /usr/bin/chromium (apt-get install chromium)");

        try (EchoServer echo = EchoServer.start(EchoOptions.loopback())) {
            GatewayConfig config = GatewayConfig.builder()
                    .implementation("nio")
                    .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .route("/", BalancerKind.ROUND_ROBIN, List.of(echo.address()))
                    .build();
            try (Gateway gateway = Implementations.find("nio").start(config)) {
                String host = gateway.address().getAddress().getHostAddress() + ":" + gateway.address().getPort();
                String backend = echo.address().getAddress().getHostAddress() + ":" + echo.address().getPort();

                HttpClient http = HttpClient.newHttpClient();
                Echoes listener = new Echoes();
                WebSocket ws = http.newWebSocketBuilder()
                        .buildAsync(URI.create("ws://" + host + "/"), listener)
                        .get(10, TimeUnit.SECONDS);
                try {
                    // an echo back proves the tunnel reaches the backend before the browser looks at it
                    ws.sendText("through the tunnel", true).get(10, TimeUnit.SECONDS);
                    assertThat(listener.first.get(10, TimeUnit.SECONDS)).isEqualTo("through the tunnel");

                    String dom = dumpDom(chromium.get(), "http://" + host + "/", tmp);

                    assertThat(dom).as("the page's script reached /status").contains("data-state=\"live\"");
                    assertThat(element(dom, "id=\"implementation\"")).isEqualTo("nio");
                    assertThat(element(dom, "id=\"tunnels\"")).isEqualTo("1");

                    String row = row(dom, "data-backend=\"" + backend + "\"");
                    assertThat(row).as("the echo backend's row").contains("<span class=\"backend-tunnels\">1</span>");
                    assertThat(row).as("the echo backend's row").contains("class=\"backend-health up\"")
                            .contains("data-up=\"true\"").contains("data-configured=\"true\"");

                    String tunnel = row(dom, "data-tunnel-id=\"");
                    assertThat(tunnel).as("the tunnel's row").contains(">" + backend + "<");
                } finally {
                    ws.abort();
                    http.close();
                }
            }
        }
    }

    /** Runs Chromium headless on {@code url} and returns the DOM it serialises once its virtual time is spent. */
    private static String dumpDom(Path chromium, String url, Path tmp) throws Exception {
        Path out = tmp.resolve("dom.html");
        Path err = tmp.resolve("chromium.log");
        Process browser = new ProcessBuilder(chromium.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check",
                // a profile of its own: no state from, or lock shared with, any other Chromium
                "--user-data-dir=" + tmp.resolve("profile"),
                "--virtual-time-budget=" + VIRTUAL_TIME_MILLIS, "--dump-dom", url)
                // to files rather than pipes, so that a chatty stderr can never block the browser
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            boolean exited = browser.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(exited).as("chromium finished within %d s; its log:%n%s", BROWSER_TIMEOUT_SECONDS, read(err)).isTrue();
            assertThat(browser.exitValue()).as("chromium's exit code; its log:%n%s", read(err)).isZero();
        } finally {
            if (browser.isAlive()) {
                browser.descendants().forEach(ProcessHandle::destroyForcibly);
                browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        String dom = read(out);
        assertThat(dom).as("chromium dumped a DOM; its log:%n%s", read(err)).contains("</html>");
        return dom;
    }

    /** The text of the first element whose start tag carries {@code attribute}. */
    private static String element(String dom, String attribute) {
        Matcher m = Pattern.compile("<(\\w+)[^>]*\\s" + Pattern.quote(attribute) + "[^>]*>([^<]*)</\\1>").matcher(dom);
        assertThat(m.find()).as("an element with %s in:%n%s", attribute, dom).isTrue();
        return m.group(2);
    }

    /** The inside of the first table row whose start tag carries {@code attribute}. */
    private static String row(String dom, String attribute) {
        Matcher m = Pattern.compile("<tr[^>]*\\s" + Pattern.quote(attribute) + "[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(dom);
        assertThat(m.find()).as("a row with %s in:%n%s", attribute, dom).isTrue();
        return m.group(1);
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static Optional<Path> chromium() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.concat(
                        Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, "chromium")),
                        Stream.of(Path.of("/usr/bin/chromium")))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Keeps the first message the backend echoes. */
    private static final class Echoes implements WebSocket.Listener {
        final CompletableFuture<String> first = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                first.complete(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            first.completeExceptionally(error);
        }
    }
}
