package dev.anchor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.conformance.peers.WsClient;
import dev.anchor.conformance.peers.WsEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The demo a newcomer starts: three echo backends behind a gateway, taking turns. */
class DemoTest {
    @Test
    void echoesThroughTheGatewayAcrossAllBackends() throws Exception {
        try (Demo demo = Demo.start("blocking", 0, 3)) {
            for (int i = 0; i < 3; i++) {
                try (WsClient client = WsClient.open(demo.gateway().address(), "/echo")) {
                    client.sendText("hello " + i, true);
                    assertThat(client.next()).isEqualTo(new WsEvent.Text("hello " + i));
                }
            }
            assertThat(demo.backends())
                    .as("round-robin gave each backend one of the three connections")
                    .allSatisfy(backend -> assertThat(backend.handshakes()).hasSize(1));
            StringWriter banner = new StringWriter();
            DemoCommand.banner(new PrintWriter(banner), demo);
            assertThat(banner.toString())
                    .contains(demo.url("/echo"))
                    .contains("new WebSocket(\"" + demo.url("/echo") + "\")")
                    .contains("./anchor client " + demo.url("/echo"));
        }
    }

    @Test
    void theClientCommandTalksToIt() throws Exception {
        try (Demo demo = Demo.start("blocking", 0, 1)) {
            CommandLineTest.Result r = CommandLineTest.run("client", demo.url("/echo"), "--message", "ping from a terminal");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("< ping from a terminal");
        }
    }
}
