#!/usr/bin/env bash
# What an idle tunnel costs the Netty gateway: heap, Netty's buffer memory, resident memory and CPU.
#
# The gateway runs alone in a JVM of its own (IdleTunnelGateway: NettyGateway started from a
# configuration file, as `anchor run` does), so the numbers are its own; a second JVM
# (IdleTunnelLoad) runs the echo backend and the clients. Each idle tunnel is two sockets in each
# process, so 5,000 tunnels stay under the 20,000 files one process may open here.
#
#   1. warm up: 200 tunnels opened, held a second and closed (classes loaded, pools made);
#   2. baseline, read inside the gateway after two full collections: heap used, and the direct
#      and heap memory Netty's allocator holds; from /proc: resident set size;
#   3. COUNT tunnels opened and held silent, until the gateway counts all of them;
#   4. the same readings again; the difference divided by COUNT is the cost of one tunnel;
#   5. CPU: utime + stime of the gateway process from /proc/<pid>/stat over 30 s, tunnels idle.
#
# Needs `mvn -pl cli,impl-netty -am -DskipTests verify` (anchor.jar and the test classes) and a
# Java 21+ (JAVA, default: the java on PATH). Usage: impl-netty/measure-idle-tunnels.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-5000}
JAVA=${JAVA:-java}
GATEWAY_PORT=${GATEWAY_PORT:-18480}
ECHO_PORT=${ECHO_PORT:-18481}
CP=cli/target/anchor.jar:impl-netty/target/test-classes
work=$(mktemp -d)

cat > "$work/gateway.yaml" <<EOF
implementation: netty
listen: 127.0.0.1:$GATEWAY_PORT
routes:
  - path: /
    backends: [127.0.0.1:$ECHO_PORT]
timeouts:
  idle: 30m
EOF

mkfifo "$work/ask"
exec 3<> "$work/ask"
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.anchor.netty.IdleTunnelGateway "$work/gateway.yaml" \
    < "$work/ask" > "$work/gateway.out" 2> "$work/gateway.log" &
gateway=$!
load=
cleanup() {
    if [ -n "$load" ]; then kill "$load" 2>/dev/null || true; fi
    kill "$gateway" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

until grep -q '^ready' "$work/gateway.out"; do
    kill -0 "$gateway" || { cat "$work/gateway.log"; exit 1; }
    sleep 0.2
done

# one line of readings: tunnels heap_bytes netty_direct_bytes netty_heap_bytes threads rss_kib
readings() {
    local before
    before=$(wc -l < "$work/gateway.out")
    echo measure >&3
    until [ "$(wc -l < "$work/gateway.out")" -gt "$before" ]; do sleep 0.1; done
    echo "$(tail -n 1 "$work/gateway.out") $(awk '/^VmRSS/ {print $2}' "/proc/$gateway/status")"
}
tunnels() { readings | cut -d' ' -f1; }

"$JAVA" -cp "$CP" dev.anchor.netty.IdleTunnelLoad "$GATEWAY_PORT" "$ECHO_PORT" 200 1 > "$work/warmup.log"
until [ "$(tunnels)" = 0 ]; do sleep 0.5; done
read -r _ heap0 direct0 nheap0 threads0 rss0 < <(readings)

"$JAVA" -cp "$CP" dev.anchor.netty.IdleTunnelLoad "$GATEWAY_PORT" "$ECHO_PORT" "$COUNT" 600 > "$work/load.log" 2>&1 &
load=$!
until grep -q '^holding' "$work/load.log"; do
    kill -0 "$load" || { cat "$work/load.log"; exit 1; }
    sleep 0.5
done
read -r open heap1 direct1 nheap1 threads1 rss1 < <(readings)

ticks() { awk '{print $14 + $15}' "/proc/$gateway/stat"; }
t0=$(ticks); sleep 30; t1=$(ticks)
hz=$(getconf CLK_TCK)

per() { echo "($2 - $1) / $COUNT" | bc; }
kib() { echo "$1 / 1024" | bc; }
echo "== $COUNT idle tunnels through the Netty gateway ($(sed -n 's/^ready //p' "$work/gateway.out") transport), $(date -u +%F)"
echo "tunnels counted by the gateway   $open"
echo "heap used after full GC          $(kib "$heap0") KiB -> $(kib "$heap1") KiB: $(per "$heap0" "$heap1") bytes per tunnel"
echo "Netty allocator, direct          $(kib "$direct0") KiB -> $(kib "$direct1") KiB: $(per "$direct0" "$direct1") bytes per tunnel"
echo "Netty allocator, heap            $(kib "$nheap0") KiB -> $(kib "$nheap1") KiB"
echo "resident set size                ${rss0} KiB -> ${rss1} KiB: $(per "$((rss0 * 1024))" "$((rss1 * 1024))") bytes per tunnel"
echo "threads                          $threads0 -> $threads1"
echo "CPU over 30 s with all idle      $((t1 - t0)) ticks of 1/$hz s = $(echo "scale=2; ($t1 - $t0) * 100 / $hz / 30" | bc)% of one core"
