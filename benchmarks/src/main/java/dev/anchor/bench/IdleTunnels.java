package dev.anchor.bench;

import dev.anchor.echo.EchoOptions;
import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What an idle tunnel costs a gateway: it runs the gateway as its own process (the real
 * {@code anchor run}), opens N tunnels through it to an echo server in this process, proves each
 * with one round trip, and then measures the gateway process alone: heap after a full GC (jcmd),
 * resident memory and threads (/proc), and CPU over a quiet window (/proc utime + stime).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.anchor.bench.IdleTunnels --impl nio --tunnels 5000
 * </pre>
 *
 * One process may open 20,000 files on the machines this was written on; each tunnel is two
 * sockets in the gateway and two here (client and echo server), so 5,000 tunnels use 10,000 in each.
 */
@Command(name = "idle-tunnels", mixinStandardHelpOptions = true,
        description = "Measure the memory and CPU an idle tunnel costs a gateway process.")
public final class IdleTunnels implements Callable<Integer> {
    @Option(names = "--impl", required = true, description = "blocking, nio or netty")
    String implementation;

    @Option(names = "--tunnels", defaultValue = "5000", description = "How many idle tunnels (default: ${DEFAULT-VALUE})")
    int tunnels;

    @Option(names = "--watch", defaultValue = "30", description = "Seconds of quiet to measure CPU over (default: ${DEFAULT-VALUE})")
    int watchSeconds;

    @Option(names = "--jar", defaultValue = "cli/target/anchor.jar", description = "The anchor jar (default: ${DEFAULT-VALUE})")
    Path jar;

    @Option(names = "--extra-config", defaultValue = "", description = "YAML lines appended to the gateway's configuration")
    String extraConfig;

    @Option(names = "--histogram", description = "Also print the classes that hold the most heap with the tunnels open")
    boolean histogram;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IdleTunnels()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path javaHome = Path.of(System.getProperty("java.home"));
        try (EchoServer echo = EchoServer.start(EchoOptions.loopback())) {
            int port = freePort();
            Path config = Files.createTempFile("anchor-idle-", ".yaml");
            Files.writeString(config, "listen: 127.0.0.1:" + port + "\nroutes:\n  - path: /\n    backends: [127.0.0.1:"
                    + echo.address().getPort() + "]\n" + extraConfig.replace("\\n", "\n") + "\n");
            Path log = Files.createTempFile("anchor-idle-", ".log");
            Process gateway = new ProcessBuilder(javaHome.resolve("bin/java").toString(), "-Xms256m", "-Xmx1g",
                    "-jar", jar.toString(), "run", "--config", config.toString(), "--impl", implementation)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            List<Socket> open = new ArrayList<>(tunnels);
            try {
                InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                awaitHealthy(at, gateway, log);
                Sample before = sample(gateway.pid(), javaHome);
                for (int i = 0; i < tunnels; i++) {
                    open.add(tunnel(at, i));
                }
                awaitTunnels(at, tunnels);
                Sample after = sample(gateway.pid(), javaHome);
                if (histogram) {
                    run(javaHome.resolve("bin/jcmd").toString(), Long.toString(gateway.pid()), "GC.class_histogram")
                            .lines().limit(25).forEach(System.out::println);
                }
                long cpuBefore = cpuTicks(gateway.pid());
                long t0 = System.nanoTime();
                Thread.sleep(watchSeconds * 1000L); // the measurement window itself: nothing is waited for
                long cpuTicks = cpuTicks(gateway.pid()) - cpuBefore;
                double seconds = (System.nanoTime() - t0) / 1e9;
                for (int i = 0; i < open.size(); i += 97) {
                    roundTrip(open.get(i), i); // still alive after the quiet
                }
                report(before, after, cpuTicks, seconds);
            } finally {
                for (Socket s : open) {
                    s.close();
                }
                gateway.destroy();
                gateway.waitFor();
                Files.deleteIfExists(config);
            }
        }
        return 0;
    }

    private void report(Sample before, Sample after, long cpuTicks, double seconds) {
        double ticksPerSecond = 100.0; // USER_HZ; 100 on every Linux this runs on
        double cpuPercent = cpuTicks / ticksPerSecond / seconds * 100;
        System.out.printf("implementation        %s%n", implementation);
        System.out.printf("idle tunnels          %d (each proven by one echo round trip)%n", tunnels);
        System.out.printf("heap after full GC    %,d KiB before, %,d KiB with the tunnels: %,d bytes per tunnel%n",
                before.heapKiB, after.heapKiB, (after.heapKiB - before.heapKiB) * 1024 / tunnels);
        System.out.printf("resident set size     %,d KiB before, %,d KiB with the tunnels: %,d bytes per tunnel%n",
                before.rssKiB, after.rssKiB, (after.rssKiB - before.rssKiB) * 1024 / tunnels);
        System.out.printf("threads               %d before, %d with the tunnels%n", before.threads, after.threads);
        System.out.printf("CPU while idle        %.2f%% of one core over %.1f s (%d ticks of user+system time)%n",
                cpuPercent, seconds, cpuTicks);
    }

    private record Sample(long heapKiB, long rssKiB, int threads) {
    }

    private static Sample sample(long pid, Path javaHome) throws Exception {
        run(javaHome.resolve("bin/jcmd").toString(), Long.toString(pid), "GC.run");
        String heap = run(javaHome.resolve("bin/jcmd").toString(), Long.toString(pid), "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(heap);
        if (!used.find()) {
            throw new IllegalStateException("cannot read the heap from jcmd: " + heap);
        }
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        return new Sample(Long.parseLong(used.group(1)), field(status, "VmRSS"), (int) field(status, "Threads"));
    }

    private static long field(String procStatus, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(procStatus);
        if (!m.find()) {
            throw new IllegalStateException(name + " not in /proc status");
        }
        return Long.parseLong(m.group(1));
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static Socket tunnel(InetSocketAddress at, int i) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.connect(at, 10_000);
        String key = Base64.getEncoder().encodeToString(String.format("idle-%011d", i).getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(("GET /idle HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake of tunnel " + i);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("tunnel " + i + " got " + head.toString().lines().findFirst().orElse(""));
        }
        roundTrip(s, i);
        return s;
    }

    /** One masked text frame out (key zero), its echo back. */
    private static void roundTrip(Socket s, int i) throws IOException {
        byte[] text = ("t" + i).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[6 + text.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | text.length);
        System.arraycopy(text, 0, frame, 6, text.length);
        OutputStream out = s.getOutputStream();
        out.write(frame);
        byte[] echo = s.getInputStream().readNBytes(2 + text.length);
        if (echo.length != 2 + text.length || echo[1] != text.length) {
            throw new IOException("tunnel " + i + " did not echo");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitHealthy(InetSocketAddress at, Process gateway, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new IllegalStateException("the gateway exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway did not become healthy: " + Files.readString(log));
    }

    private static void awaitTunnels(InetSocketAddress at, int n) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Pattern tunnels = Pattern.compile("\"tunnels\" : (\\d+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = tunnels.matcher(body);
            if (m.find() && Integer.parseInt(m.group(1)) == n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway never reported " + n + " tunnels");
    }
}
