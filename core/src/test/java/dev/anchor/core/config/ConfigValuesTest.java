package dev.anchor.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {

    @Test
    void durationsTakeEveryUnit() {
        assertThat(ConfigValues.duration("k", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigValues.duration("k", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigValues.duration("k", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigValues.duration("k", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigValues.duration("k", "1d")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void durationIgnoresSurroundingWhitespace() {
        assertThat(ConfigValues.duration("k", " 30s\t")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void durationWithoutAUnitOrInAnotherSpellingIsRefused() {
        for (String bad : new String[] {"30", "1.5s", "-1s", "30 s", "10S", "PT30S", "s", ""}) {
            assertThatThrownBy(() -> ConfigValues.duration("timeouts.head", bad)).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("timeouts.head: '" + bad + "' is not allowed");
        }
    }

    @Test
    void sizesArePowersOf1024() {
        assertThat(ConfigValues.bytes("k", "512")).isEqualTo(512);
        assertThat(ConfigValues.bytes("k", "512B")).isEqualTo(512);
        assertThat(ConfigValues.bytes("k", "64KiB")).isEqualTo(64 * 1024);
        assertThat(ConfigValues.bytes("k", "1MiB")).isEqualTo(1024 * 1024);
        assertThat(ConfigValues.bytes("k", "2GiB")).isEqualTo(2L << 30);
    }

    @Test
    void sizeInDecimalUnitsOrFractionsIsRefused() {
        for (String bad : new String[] {"10KB", "1.5MiB", "1 MiB", "1mib", "-1", "KiB"}) {
            assertThatThrownBy(() -> ConfigValues.bytes("tunnel.buffer", bad)).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("tunnel.buffer: '" + bad + "' is not allowed");
        }
    }

    @Test
    void sizeBeyond63BitsIsRefused() {
        assertThatThrownBy(() -> ConfigValues.bytes("k", "999999999999GiB"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("63 bits");
    }

    @Test
    void hostPortReadsIpv4AndBracketedIpv6() throws Exception {
        assertThat(ConfigValues.hostPort("k", "127.0.0.1:9001", 1))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9001));
        assertThat(ConfigValues.hostPort("k", " [::1]:9001 ", 1))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 9001));
    }

    @Test
    void hostPortBelowTheLowestPortIsRefused() {
        assertThat(ConfigValues.hostPort("listen", "127.0.0.1:0", 0).getPort()).isZero();
        assertThatThrownBy(() -> ConfigValues.hostPort("b", "127.0.0.1:0", 1)).hasMessageStartingWith("b: '127.0.0.1:0'");
        assertThatThrownBy(() -> ConfigValues.hostPort("b", "127.0.0.1:65536", 1)).hasMessageStartingWith("b: '127.0.0.1:65536'");
    }

    @Test
    void hostPortWithoutHostOrPortIsRefused() {
        for (String bad : new String[] {"9001", ":9001", "127.0.0.1:", "127.0.0.1:http", "::1:9001"}) {
            assertThatThrownBy(() -> ConfigValues.hostPort("b", bad, 1)).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageStartingWith("b: '" + bad + "'");
        }
    }

    @Test
    void describeWritesTheLargestWholeUnit() {
        assertThat(ConfigValues.describe(Duration.ZERO)).isEqualTo("off");
        assertThat(ConfigValues.describe(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ConfigValues.describe(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ConfigValues.describe(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(ConfigValues.describe(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(ConfigValues.describeBytes(1000)).isEqualTo("1000B");
        assertThat(ConfigValues.describeBytes(65536)).isEqualTo("64KiB");
        assertThat(ConfigValues.describeBytes(3L << 30)).isEqualTo("3GiB");
    }

    @Test
    void aDescribedDurationReadsBackAsItself() {
        qt().withExamples(500)
                .forAll(longs().between(1, Duration.ofDays(7).toMillis()))
                .checkAssert(ms -> assertThat(ConfigValues.duration("k", ConfigValues.describe(Duration.ofMillis(ms))))
                        .isEqualTo(Duration.ofMillis(ms)));
    }

    @Test
    void aDescribedSizeReadsBackAsItself() {
        qt().withExamples(500)
                .forAll(longs().between(0, 1L << 36))
                .checkAssert(n -> assertThat(ConfigValues.bytes("k", ConfigValues.describeBytes(n))).isEqualTo(n));
    }
}
