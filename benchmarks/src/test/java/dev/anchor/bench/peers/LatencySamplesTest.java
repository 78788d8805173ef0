package dev.anchor.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencySamplesTest {
    @Test
    void quantilesAreNearestRanksInMicroseconds() {
        LatencySamples samples = new LatencySamples();
        for (int i = 100; i >= 1; i--) {
            samples.add(i * 1_000L); // 1 to 100 us, in reverse
        }
        assertThat(samples.micros(0.5, 0.99, 1.0)).containsExactly(50.0, 99.0, 100.0);
    }

    @Test
    void growsPastItsFirstArray() {
        LatencySamples samples = new LatencySamples();
        for (int i = 0; i < 200_000; i++) {
            samples.add(1_000);
        }
        samples.add(9_000_000);
        assertThat(samples.size()).isEqualTo(200_001);
        assertThat(samples.micros(0.5, 1.0)).containsExactly(1.0, 9_000.0);
    }
}
