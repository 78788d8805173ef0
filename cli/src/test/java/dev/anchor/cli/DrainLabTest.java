package dev.anchor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The chapter quotes what the drain lab prints, so the lab must show what the chapter says: in ping
 * mode every client hears Close 1001, and the drain is over before its deadline with nothing left.
 */
class DrainLabTest {
    @Test
    void inPingModeEveryClientHearsGoingAwayAndTheDrainFinishes() {
        CommandLineTest.Result r = CommandLineTest.run("lab", "drain", "--impl", "nio", "--mode", "ping",
                "--tunnels", "10", "--spread", "500ms", "--timeout", "5s");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)close codes +1001 x 10$");
        assertThat(r.out()).contains("drained in", "10 tunnels open at the start", "10 asked to go",
                "0 closed at the deadline");
        assertThat(r.out()).containsPattern("arrived +first [0-9,]+ ms, median [0-9,]+ ms, last [0-9,]+ ms");
    }

    @Test
    void aSpreadAsLongAsTheTimeoutIsRefusedByName() {
        CommandLineTest.Result r = CommandLineTest.run("lab", "drain", "--tunnels", "1", "--spread", "5s", "--timeout", "5s");

        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("drain.spread");
    }
}
