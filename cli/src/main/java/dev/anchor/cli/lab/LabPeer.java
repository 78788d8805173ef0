package dev.anchor.cli.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The peer the lab freezes: a process that answers {@code ping} with {@code pong} and a GET with a
 * keep-alive 200, and says on stdout which port it listens on.
 */
@Command(name = "peer", hidden = true, description = "The lab's peer process (started by the lab itself).")
final class LabPeer implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            System.out.println("listening " + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket s = server.accept();
                Thread.ofPlatform().daemon().start(() -> serve(s));
            }
        }
    }

    private static void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("ping")) {
                    out.write("pong\n".getBytes(StandardCharsets.ISO_8859_1));
                } else if (line.startsWith("GET ")) {
                    while (!in.readLine().isEmpty()) {
                        // the rest of the head
                    }
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nhi\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
            }
        } catch (IOException gone) {
            // the lab closed it
        }
    }
}
