package dev.anchor.conformance.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketCensusTest {

    @Test
    void countsEstablishedConnectionsAndNotListeners() throws Exception {
        assumeTrue(SocketCensus.available(), "no /proc/net/tcp on this system");
        ProcessHandle me = ProcessHandle.current();
        int during;
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
             Socket server = listener.accept()) {
            Map<String, Integer> open = SocketCensus.connections(me);
            assertThat(open).doesNotContainKey("LISTEN");
            during = open.getOrDefault("ESTABLISHED", 0);
        }
        // both ends of the one connection were counted, and neither is once they are closed
        assertThat(during - SocketCensus.connections(me).getOrDefault("ESTABLISHED", 0)).isEqualTo(2);
    }
}
