package dev.anchor.core.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** Each implementation's connect exceptions, mapped to one cause. */
class ConnectFailureTest {

    @Test
    void socketTimeoutIsTimedOut() {
        assertThat(ConnectFailure.of(new SocketTimeoutException("connect timed out"))).isEqualTo(ConnectFailure.TIMED_OUT);
    }

    @Test
    void connectExceptionIsRefused() {
        assertThat(ConnectFailure.of(new ConnectException("Connection refused"))).isEqualTo(ConnectFailure.REFUSED);
        assertThat(ConnectFailure.of(new ConnectException())).isEqualTo(ConnectFailure.REFUSED);
    }

    @Test
    void connectExceptionSayingTimedOutIsTimedOut() {
        assertThat(ConnectFailure.of(new ConnectException("Connection timed out"))).isEqualTo(ConnectFailure.TIMED_OUT);
    }

    @Test
    void unreachableNetworkOrHostIsUnreachable() {
        assertThat(ConnectFailure.of(new ConnectException("Network is unreachable"))).isEqualTo(ConnectFailure.UNREACHABLE);
        assertThat(ConnectFailure.of(new NoRouteToHostException("No route to host"))).isEqualTo(ConnectFailure.UNREACHABLE);
    }

    @Test
    void bindExceptionIsNoSourcePort() {
        assertThat(ConnectFailure.of(new BindException("Cannot assign requested address"))).isEqualTo(ConnectFailure.NO_SOURCE_PORT);
        assertThat(ConnectFailure.of(new IOException("Cannot assign requested address"))).isEqualTo(ConnectFailure.NO_SOURCE_PORT);
        // Netty's epoll transport: the errno's text in a plain IOException
        assertThat(ConnectFailure.of(new IOException("bind(..) failed: Address already in use")))
                .isEqualTo(ConnectFailure.NO_SOURCE_PORT);
        assertThat(ConnectFailure.of(new java.net.ConnectException("connect(..) failed: Cannot assign requested address")))
                .isEqualTo(ConnectFailure.NO_SOURCE_PORT);
    }

    @Test
    void onlyShortagesOfPortsAreCapacity() {
        assertThat(ConnectFailure.NO_SOURCE_PORT.isCapacity()).isTrue();
        assertThat(ConnectFailure.NO_CAPACITY.isCapacity()).isTrue();
        assertThat(ConnectFailure.REFUSED.isCapacity()).isFalse();
        assertThat(ConnectFailure.TIMED_OUT.isCapacity()).isFalse();
    }

    @Test
    void anythingElseIsOther() {
        assertThat(ConnectFailure.of(new IOException("Broken pipe"))).isEqualTo(ConnectFailure.OTHER);
        assertThat(ConnectFailure.of(new IllegalStateException())).isEqualTo(ConnectFailure.OTHER);
    }

    @Test
    void labelIsTheLowerCaseName() {
        assertThat(ConnectFailure.NO_SOURCE_PORT.label()).isEqualTo("no_source_port");
    }
}
