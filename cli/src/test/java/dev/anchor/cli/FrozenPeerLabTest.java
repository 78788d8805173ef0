package dev.anchor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The chapter's demonstration must show what the chapter says: a frozen peer passes TCP keepalive
 * and only the application ping notices; a killed one is noticed at once.
 */
class FrozenPeerLabTest {
    @Test
    void onlyTheApplicationPingNoticesAFrozenPeer() {
        CommandLineTest.Result r = CommandLineTest.run("lab", "frozen-peer", "--watch", "3", "--ping-timeout", "1");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("TCP keepalive .*NOT noticed: still established");
        assertThat(r.out()).containsPattern("HTTP keep-alive .*NOT noticed");
        assertThat(r.out()).containsPattern("application ping.*\\s+noticed after");
        assertThat(r.out()).containsPattern("the keepalive connection +noticed after");
    }
}
