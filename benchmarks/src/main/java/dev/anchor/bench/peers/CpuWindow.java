package dev.anchor.bench.peers;

import java.util.OptionalLong;

/**
 * The CPU each party used during one measured window: the gateway (every process of it), the echo
 * backend, and this harness, which is the load client. The gateway has a core of its own, so its
 * share of that core says whether it was the bottleneck; backend and client share the other.
 */
final class CpuWindow {
    private final OptionalLong gateway;
    private final long backend;
    private final long client = ProcessHandle.current().pid();
    private final long start;
    private final long gatewayStart;
    private final long backendStart;
    private final long clientStart;

    /** What the window measured, in microseconds of CPU. */
    record Usage(double seconds, OptionalLong gatewayMicros, long backendMicros, long clientMicros) {
        /**
         * Adds the gateway's CPU per operation and its share of its core, and the share of the
         * other core that backend and client used; "op" names the operation in the figure's name.
         */
        void addTo(Figures figures, long operations, String op) {
            gatewayMicros.ifPresent(us -> figures
                    .put("gatewayCpuUsPer" + op, (double) us / operations)
                    .put("gatewayCoreShare", us / 1e6 / seconds));
            figures.put("backendCpuUsPer" + op, (double) backendMicros / operations)
                    .put("loadCoreShare", (backendMicros + clientMicros) / 1e6 / seconds);
        }
    }

    private CpuWindow(GatewayUnderTest gateway, EchoBackendProcess backend) {
        this.gateway = gateway.pid();
        this.backend = backend.pid();
        gatewayStart = this.gateway.isPresent() ? ProcCpu.ofTree(this.gateway.getAsLong()) : 0;
        backendStart = ProcCpu.ofProcess(this.backend);
        clientStart = ProcCpu.ofProcess(client);
        start = System.nanoTime();
    }

    static CpuWindow start(GatewayUnderTest gateway, EchoBackendProcess backend) {
        return new CpuWindow(gateway, backend);
    }

    Usage stop() {
        double seconds = (System.nanoTime() - start) / 1e9;
        OptionalLong gatewayMicros = gateway.isPresent()
                ? OptionalLong.of(ProcCpu.ofTree(gateway.getAsLong()) - gatewayStart)
                : OptionalLong.empty();
        return new Usage(seconds, gatewayMicros, ProcCpu.ofProcess(backend) - backendStart,
                ProcCpu.ofProcess(client) - clientStart);
    }
}
