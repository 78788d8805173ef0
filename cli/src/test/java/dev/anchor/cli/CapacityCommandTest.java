package dev.anchor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code anchor capacity} with a pool of 16 slots: one backend, one source address, 16 ports. Each
 * gateway fills it, refuses the 17th tunnel itself, and gets every slot back when the tunnels close.
 */
class CapacityCommandTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"blocking", "nio", "netty"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fillsTheSixteenSlotsRefusesTheNextAndFreesThemAll(String impl) {
        CommandLineTest.Result r = CommandLineTest.run("capacity", "--impl", impl, "--backends", "1",
                "--sources", "127.0.0.2", "--ports", "62600-62615", "--concurrency", "4");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("the " + impl + " gateway")
                .contains("1 source address x 16 ports = 16")
                .contains("1 endpoint x 16 = 16")
                .contains("16 tunnels, every one answered 101")
                .contains("16 of 16, as the gateway counts them")
                .contains("ns per release")
                .contains("per tunnel")
                .containsPattern("the gateway answered +HTTP/1\\.1 503 Service Unavailable, Retry-After: \\d+")
                .contains("saw no connection for it")
                .contains("+1: the gateway asked each backend's pool")
                .contains("all 16 slots free")
                .contains("Done");
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stopsShortOfCapacityWhenToldAndSaysWhyThereIsNo503() {
        CommandLineTest.Result r = CommandLineTest.run("capacity", "--impl", "blocking", "--backends", "2",
                "--sources", "127.0.0.2", "--ports", "62620-62623", "--tunnels", "5");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("2 endpoints x 4 = 8")
                .contains("5 tunnels (--tunnels), of 8 slots")
                .contains("5 tunnels, every one answered 101")
                .contains("3 slots still free, so the gateway would take it")
                .contains("all 8 slots free");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPairHeldByAnotherSocketCostsASlotAndTheFillEndsInA503() throws IOException {
        // a listener on one of the pairs: the kernel refuses the gateway's bind there, so the pool holds one less
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 62633));
            CommandLineTest.Result r = CommandLineTest.run("capacity", "--impl", "blocking", "--backends", "1",
                    "--sources", "127.0.0.2", "--ports", "62630-62635", "--concurrency", "1");
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out())
                    .contains("5 of 6 tunnels, then it stopped")
                    .contains("tunnel 6: the gateway answered 'HTTP/1.1 503 Service Unavailable' instead of 101")
                    .contains("1 slot at bind or connect")
                    .contains("none in use");
            assertThat(r.err()).contains("anchor: capacity: filling the pool stopped").doesNotContain("Exception");
        }
    }

    @Test
    void aBadPortRangeNamesTheOptionAndTheValue() {
        CommandLineTest.Result r = CommandLineTest.run("capacity", "--ports", "80-90");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--ports: '80-90' is not allowed", "1024..65535");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aSourceAddressThisMachineDoesNotHaveIsNamed() {
        // 192.0.2.0/24 is TEST-NET-1, documentation only: no machine has it
        CommandLineTest.Result r = CommandLineTest.run("capacity", "--sources", "192.0.2.7");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--sources: '192.0.2.7' is not allowed", "addresses of this machine");
    }

    @Test
    void otherBadValuesAreNamedToo() {
        assertThat(CommandLineTest.run("capacity", "--backends", "0").err()).contains("--backends: '0' is not allowed");
        assertThat(CommandLineTest.run("capacity", "--concurrency", "0").err()).contains("--concurrency: '0'");
        assertThat(CommandLineTest.run("capacity", "--tunnels", "0").err()).contains("--tunnels: '0'");
        assertThat(CommandLineTest.run("capacity", "--impl", "epoll").err())
                .contains("--impl: there is no implementation called 'epoll'");
    }

    @Test
    void helpListsIt() {
        assertThat(CommandLineTest.run("--help").out()).contains("capacity");
    }
}
