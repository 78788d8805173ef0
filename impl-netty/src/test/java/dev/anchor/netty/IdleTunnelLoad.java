package dev.anchor.netty;

import dev.anchor.echo.EchoOptions;
import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The load side of the idle-tunnel measurement (measure-idle-tunnels.sh): starts an echo server on
 * a given port, opens {@code count} WebSockets through a gateway running in another process, and
 * holds them, silent, for a while. Not a test: the gateway's memory and CPU are read from outside.
 *
 * <pre>java -cp cli/target/anchor.jar:impl-netty/target/test-classes dev.anchor.netty.IdleTunnelLoad \
 *      GATEWAY_PORT ECHO_PORT COUNT HOLD_SECONDS</pre>
 */
public final class IdleTunnelLoad {
    private IdleTunnelLoad() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        InetSocketAddress gateway = new InetSocketAddress(loopback, Integer.parseInt(args[0]));
        int echoPort = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        Duration hold = Duration.ofSeconds(Long.parseLong(args[3]));

        EchoServer echo = EchoServer.start(EchoOptions.loopback().withBind(new InetSocketAddress(loopback, echoPort)));
        List<Socket> tunnels = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                tunnels.add(upgrade(gateway));
            }
            System.out.println("holding " + count + " idle tunnels for " + hold.toSeconds() + " s");
            System.out.flush();
            LockSupport.parkNanos(hold.toNanos());
        } finally {
            for (Socket s : tunnels) {
                s.close();
            }
            echo.close();
        }
    }

    /** A client socket that has completed the opening handshake through the gateway (101). */
    private static Socket upgrade(InetSocketAddress gateway) throws IOException {
        Socket s = new Socket();
        s.connect(gateway, 5_000);
        s.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET /idle HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        String head = readHead(s.getInputStream());
        if (!head.startsWith("HTTP/1.1 101 ")) {
            s.close();
            throw new IOException("the gateway answered: " + head.lines().findFirst().orElse(""));
        }
        return s;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the gateway closed during the handshake");
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
