package dev.anchor.core.gateway;

import dev.anchor.core.http.RequestHead;
import dev.anchor.core.route.Backend;
import dev.anchor.core.route.Route;
import java.nio.ByteBuffer;
import java.util.List;

/** What the gateway does with a client's request head. */
public sealed interface Decision {

    /** Answer the client with {@code response} (the gateway's own page or refusal), then close. */
    record Reply(ByteBuffer response) implements Decision {
    }

    /**
     * Forward {@code upstreamHead} to the first of {@code candidates} that accepts a connection;
     * try the next only while nothing has reached the client.
     */
    record Forward(Route route, List<Backend> candidates, RequestHead upstreamHead, ByteBuffer rendered)
            implements Decision {

        /** The request head for the backend, ready to write (a fresh view each call; do not change its bytes). */
        public ByteBuffer head() {
            return rendered.duplicate();
        }
    }
}
