package dev.anchor.core.lifecycle;

import dev.anchor.core.gateway.CloseReason;

/**
 * How the gateway asks one live tunnel to go. The implementation hands its tunnel's own thread
 * (an event loop, or the tunnel's lock) core's plan from {@code TunnelEnding.goAway}: a Close 1001
 * toward both endpoints at their next frame boundaries, then FIN. Callable from any thread, any
 * number of times; only the first call that finds the tunnel open counts.
 */
@FunctionalInterface
public interface GoAway {
    void goAway(CloseReason reason);
}
