package dev.anchor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.anchor.core.tls.LocalCa;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The anchor command as a newcomer and an operator meet it: help, checks, and clear refusals. */
class CommandLineTest {
    static final Path EXAMPLE = Path.of("..", "examples", "gateway.yaml");

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Anchor.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpNamesEveryCommand() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("run", "demo", "client", "lab", "anchor demo");
    }

    @Test
    void exampleConfigurationChecksOut() {
        Result r = run("run", "--config", EXAMPLE.toString(), "--check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("blocking gateway would listen on 127.0.0.1:8080")
                .contains("/chat", "127.0.0.1:9001, 127.0.0.1:9002", "least-tunnels")
                .contains("idle 5m", "write 1m")
                .contains("heartbeat: off")
                .contains("tcp: client keepalive after 1m, every 10s, 3 probes")
                .containsPattern("upstream: the kernel picks source ports; capacity 3 endpoints x [0-9,]+ = [0-9,]+")
                .contains("127.0.0.1:9001", "1 source address (the kernel's choice) x ")
                .contains("configuration OK");
    }

    @Test
    void theExampleWithPingModeTurnedOnReadsItsHeartbeat(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ping.yaml");
        Files.writeString(file, Files.readString(EXAMPLE).replace("  mode: off", "  mode: ping"));
        Result r = run("run", "--config", file.toString(), "--check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("heartbeat: ping; client every 30s (answer within 10s), backend every 30s");
    }

    @Test
    void theExampleWithAPoolShowsTheArithmetic(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pool.yaml");
        Files.writeString(file, Files.readString(EXAMPLE)
                .replace("  source: kernel\n  # source: pool\n", "  source: pool\n")
                .replace("  # addresses: ", "  addresses: ")
                .replace("  # ports: ", "  ports: "));
        Result r = run("run", "--config", file.toString(), "--check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("upstream: a pool of source addresses x ports per backend; capacity 3 endpoints x 8,000 = 24,000")
                .contains("2 source addresses x 4,000 ports = 8,000");
    }

    @Test
    void aTlsListenerChecksItsCertificatesAndShowsTheirExpiry(@TempDir Path dir) throws IOException {
        LocalCa ca = LocalCa.create("Anchor test CA", Duration.ofDays(30));
        ca.issue(Duration.ofDays(10), "localhost", "127.0.0.1").write(dir.resolve("site.pem"), dir.resolve("site.key"));
        Path file = dir.resolve("tls.yaml");
        // relative names: read from the configuration file's directory
        Files.writeString(file, Files.readString(EXAMPLE).replace("listen: 127.0.0.1:8080",
                "listen:\n  address: 127.0.0.1:8443\n  tls: {certificate: site.pem, key: site.key}"));
        Result r = run("run", "--config", file.toString(), "--check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("would listen on 127.0.0.1:8443 with TLS (wss://)")
                .contains("listen.tls: CN=localhost, names localhost, 127.0.0.1; valid until ")
                .containsPattern("\\((9|10) days left\\)");

        Files.delete(dir.resolve("site.key"));
        Result missing = run("run", "--config", file.toString(), "--check");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("listen.tls.key: " + dir.resolve("site.key") + ": no such file");
    }

    @Test
    void aLocalCertificateIsMadeForTheNamesGivenAndChecksOutInATlsListener(@TempDir Path dir) throws IOException {
        Result r = run("certificate", "--names", "localhost,127.0.0.1", "--out", dir.toString(), "--days", "7");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("valid 7 days", "curl --cacert");
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, Files.readString(EXAMPLE).replace("listen: 127.0.0.1:8080",
                "listen:\n  address: 127.0.0.1:8443\n  tls: {certificate: server.pem, key: server.key}"));
        Result check = run("run", "--config", file.toString(), "--check");
        assertThat(check.code()).as(check.err()).isZero();
        assertThat(check.out()).contains("names localhost, 127.0.0.1;").containsPattern("\\((6|7) days left\\)");

        Result again = run("certificate", "--out", dir.toString());
        assertThat(again.code()).isNotZero();
        assertThat(again.err()).contains("ca.pem exists; choose another --out, or add --force");
    }

    @Test
    void aUserTimeoutIsRefusedWhereItCannotBeSet(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("user-timeout.yaml");
        Files.writeString(file, Files.readString(EXAMPLE).replace("    # user-timeout: 30s", "    user-timeout: 30s"));
        Result r = run("run", "--config", file.toString(), "--impl", "nio");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("tcp.backend.user-timeout", "nio");
    }

    @Test
    void everyBuiltImplementationCanBeChosen() {
        for (String impl : List.of("blocking", "nio", "netty")) {
            Result r = run("run", "--config", EXAMPLE.toString(), "--impl", impl, "--check");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains(impl + " gateway would listen on");
        }
    }

    @Test
    void anImplementationMissingFromABuildSaysSo() {
        List<dev.anchor.core.gateway.GatewayProvider> built = List.of(new dev.anchor.blocking.BlockingGatewayProvider());
        assertThatThrownBy(() -> Implementations.find("nio", built))
                .hasMessageContaining("the 'nio' implementation is not built yet")
                .hasMessageContaining("[blocking]");
    }

    @Test
    void theDemoUsesNettyWhenTheBuildHasIt() {
        assertThat(Implementations.preferred()).isEqualTo("netty");
    }

    @Test
    void anUnknownImplementationIsNamed() {
        Result r = run("run", "--config", EXAMPLE.toString(), "--impl", "epoll", "--check");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no implementation called 'epoll'");
    }

    @Test
    void aBadValueNamesFileKeyAndValue(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "routes:\n  - path: /\n    backends: [127.0.0.1:9001]\ntimeouts:\n  idle: 5 minutes\n");
        Result r = run("run", "--config", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(file.toString(), "timeouts.idle", "'5 minutes'", "30s");
    }

    @Test
    void aMissingFileIsSaidPlainly() {
        Result r = run("run", "--config", "no-such-file.yaml");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no-such-file.yaml does not exist");
    }

    @Test
    void runWithoutConfigIsAUsageError() {
        Result r = run("run");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--config");
    }

    @Test
    void aClientThatCannotConnectSaysSoInOneLine() throws IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Result r = run("client", "ws://127.0.0.1:" + closedPort + "/echo", "--message", "hello", "--timeout", "2");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("anchor: cannot connect").doesNotContain("ExecutionException");
    }
}
