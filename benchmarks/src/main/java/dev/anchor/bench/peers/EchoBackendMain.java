package dev.anchor.bench.peers;

import dev.anchor.echo.EchoOptions;
import dev.anchor.echo.EchoServer;

/**
 * The echo backend as a process of its own: the project's echo server ({@code echo-server/}) on an
 * ephemeral loopback port with one event loop. It prints {@code port N} once it listens and runs
 * until its standard input closes, so it ends with the harness that started it, however that ends.
 */
public final class EchoBackendMain {
    private EchoBackendMain() {
    }

    public static void main(String[] args) throws Exception {
        try (EchoServer echo = EchoServer.start(EchoOptions.loopback())) {
            System.out.println("port " + echo.address().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // nothing is sent on standard input; its end is the signal to stop
            }
        }
    }
}
