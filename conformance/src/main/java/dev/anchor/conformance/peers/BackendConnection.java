package dev.anchor.conformance.peers;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Map;

/** One connection a scripted backend accepted: reads what the gateway forwarded, answers on cue. */
public final class BackendConnection extends Connection {
    private volatile RawRequest request;

    BackendConnection(Socket socket) throws IOException {
        super(socket, false);
    }

    /** Reads the forwarded request head. */
    public RawRequest readRequest() throws IOException {
        byte[] head = HttpText.readHead(in);
        List<String> lines = HttpText.lines(head);
        String[] start = lines.get(0).split(" ", 3);
        request = new RawRequest(head, start[0], start[1], start[2], HttpText.fields(lines));
        return request;
    }

    /** The request read by {@link #readRequest}, or null before that. */
    public RawRequest request() {
        return request;
    }

    /** The 101 a correct server sends for the request read, with {@code extra} field lines. */
    public String switchingHead(String... extra) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ")
                .append(HttpText.accept(request.field("Sec-WebSocket-Key").orElseThrow()))
                .append("\r\n");
        for (String line : extra) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** Reads the request and switches. */
    public RawRequest accept(String... extra) throws IOException {
        RawRequest r = readRequest();
        write(switchingHead(extra));
        return r;
    }

    /** Echoes frames until a Close, which it answers, then closes. */
    public void echoFrames() throws IOException {
        while (true) {
            Frame f = readFrame();
            send(f);
            if (f.opcode() == Frame.CLOSE) {
                close();
                return;
            }
        }
    }

    /** The request head as the backend received it. */
    public record RawRequest(byte[] head, String method, String target, String version,
                             List<Map.Entry<String, String>> fields) {
        public java.util.Optional<String> field(String name) {
            return fields.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
        }

        public List<String> all(String name) {
            return fields.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        public List<String> names() {
            return fields.stream().map(Map.Entry::getKey).toList();
        }
    }
}
