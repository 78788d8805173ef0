package dev.anchor.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EchoServerTest {
    /**
     * The record of handshakes is for tests to look at and must not grow with a long run: the
     * peers benchmark and anchor capacity upgrade hundreds of thousands of times.
     */
    @Test
    void keepsTheLatestHandshakesAndCountsThemAll() throws Exception {
        int upgrades = EchoServer.KEPT + 5;
        try (EchoServer echo = EchoServer.start(EchoOptions.loopback());
             HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create("ws://127.0.0.1:" + echo.address().getPort() + "/echo");
            for (int i = 0; i < upgrades; i++) {
                WebSocket ws = client.newWebSocketBuilder()
                        .header("X-Upgrade", Integer.toString(i))
                        .buildAsync(uri, new WebSocket.Listener() { })
                        .get(10, TimeUnit.SECONDS);
                ws.abort();
            }

            assertThat(echo.handshakeCount()).isEqualTo(upgrades);
            assertThat(echo.handshakes()).hasSize(EchoServer.KEPT);
            assertThat(echo.handshakes().get(0).all("X-Upgrade")).containsExactly("5");
            assertThat(echo.handshakes().get(EchoServer.KEPT - 1).all("X-Upgrade")).containsExactly(Integer.toString(upgrades - 1));

            echo.forgetHandshakes();
            assertThat(echo.handshakes()).isEmpty();
            assertThat(echo.handshakeCount()).isEqualTo(upgrades);
        }
    }
}
