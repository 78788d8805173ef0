package dev.anchor.core.gateway;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.heartbeat.TunnelWatch;
import java.util.function.LongSupplier;

/**
 * What core decides for one tunnel, made in one place for every implementation: its heartbeats and
 * frame scanners ({@code liveness}, null in {@code off} mode), its timer's questions
 * ({@code watch}) and its end ({@code ending}). The implementation owns the sockets and calls
 * these under the tunnel's own discipline: its event loop, or a lock.
 */
public record TunnelControl(TunnelLiveness liveness, TunnelWatch watch, TunnelEnding ending) {

    public static TunnelControl of(GatewayRuntime runtime, LongSupplier clock) {
        GatewayConfig config = runtime.config();
        TunnelLiveness liveness = config.heartbeat().pings()
                ? new TunnelLiveness(config.heartbeat(), clock,
                        runtime.heartbeatMeters(Side.CLIENT), runtime.heartbeatMeters(Side.BACKEND))
                : null;
        TunnelEnding ending = new TunnelEnding(liveness);
        return new TunnelControl(liveness, new TunnelWatch(config.timeouts(), liveness, ending), ending);
    }
}
