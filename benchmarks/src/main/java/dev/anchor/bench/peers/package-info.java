/**
 * The peers benchmark: Anchor's three gateways, nginx and HAProxy under the same loads, each as
 * its own process on its own core, with a direct connection as the upper bound. One command runs
 * it all ({@link dev.anchor.bench.peers.PeersBenchmark}); the classes, by role:
 *
 * <ul>
 *   <li>{@code PeersBenchmark}: the command line, the interleaved loop, the progress report.
 *   <li>{@code Plan}, {@code Case}, {@code Target}: what runs, which loads, against what.
 *   <li>{@code GatewayUnderTest}: starts and stops one target, pinned, from the templates in
 *       {@code benchmarks/peers/} ({@code ConfigTemplate} fills them in).
 *   <li>{@code EchoBackendProcess} and {@code EchoBackendMain}: the echo server as a process.
 *   <li>The load client, in the harness's JVM: {@code EchoLoad} (messages in flight, one selector
 *       thread), {@code UpgradeLoad} (connect, upgrade, echo, close, in loops),
 *       {@code IdleTunnelSet} (many open tunnels), over {@code ClientHandshake}, {@code Io} and
 *       {@code MessageRing}, which knows every byte that must come back;
 *       {@code WrongEchoException} when one does not.
 *   <li>{@code CaseRunner}: one case against one target: warm-up, then the measured window.
 *   <li>{@code CpuWindow}, {@code ProcCpu}, {@code Rss}, {@code ProcessTree}: what /proc says
 *       about the processes.
 *   <li>{@code LatencySamples}, {@code Spread}, {@code Figures}: numbers and their spread.
 *   <li>{@code Results} (the JSON), {@code Machine}, and {@code PeersTable}, which renders the
 *       JSON as the AsciiDoc tables of the docs.
 * </ul>
 */
package dev.anchor.bench.peers;
