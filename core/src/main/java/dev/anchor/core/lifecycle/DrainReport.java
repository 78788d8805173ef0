package dev.anchor.core.lifecycle;

/**
 * What a drain did, for the log line at exit and for {@code /status}.
 *
 * @param tunnelsAtStart tunnels open when the drain began
 * @param toldToGo       tunnels the gateway asked to go (a Close 1001 at a frame boundary in ping mode, FIN in off mode)
 * @param leftAtDeadline tunnels still open at {@code drain.timeout}, which are then closed
 * @param millis         how long the drain took
 */
public record DrainReport(int tunnelsAtStart, long toldToGo, int leftAtDeadline, long millis) {

    public String describe() {
        return String.format(java.util.Locale.ROOT,
                "drained in %.1f s: %d tunnel%s open at the start, %d asked to go, %d closed at the deadline",
                millis / 1000.0, tunnelsAtStart, tunnelsAtStart == 1 ? "" : "s", toldToGo, leftAtDeadline);
    }
}
