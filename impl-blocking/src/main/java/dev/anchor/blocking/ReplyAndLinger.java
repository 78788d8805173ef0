package dev.anchor.blocking;

import dev.anchor.core.gateway.Linger;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * How a client connection the gateway answered itself ends: a refusal, a gateway page, or a
 * backend's non-101 answer passed on. Closing a socket with unread input makes the kernel send RST,
 * which can destroy the response before the client reads it (a 431 for a head that was too long,
 * say). So the response goes out, then FIN, then whatever the client still sends is read and
 * dropped, for at most {@link Linger#TIME} and {@link Linger#BYTES}, and only then the socket closes.
 */
// tag::reply-and-linger[]
final class ReplyAndLinger {
    private ReplyAndLinger() {
    }

    static void to(Leg client, ByteBuffer response) {
        try {
            client.write(response);
            client.shutdownOutput();
            long deadline = System.nanoTime() + Linger.TIME.toNanos();
            byte[] sink = new byte[8192];
            int drained = 0;
            while (drained < Linger.BYTES) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                client.readTimeout(left);
                int n = client.read(sink, 0, sink.length);
                if (n < 0) {
                    break;
                }
                drained += n;
            }
        } catch (IOException clientGone) {
            // it hung up or reset: the close below is all we owe it
        } finally {
            client.close();
        }
    }
}
// end::reply-and-linger[]
