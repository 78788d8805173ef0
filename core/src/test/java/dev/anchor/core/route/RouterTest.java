package dev.anchor.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Longest matching prefix wins; a prefix matches whole path segments only. */
class RouterTest {
    private static final Backend A = backend(9001);
    private static final Backend B = backend(9002);
    private static final Backend C = backend(9003);

    @Test
    void prefixMatchesItselfAndPathsBelowIt() {
        Route chat = route("/chat", A);

        assertThat(chat.matches("/chat")).isTrue();
        assertThat(chat.matches("/chat/x")).isTrue();
        assertThat(chat.matches("/chat/")).isTrue();
    }

    @Test
    void prefixDoesNotMatchALongerSegment() {
        assertThat(route("/chat", A).matches("/chatroom")).isFalse();
        assertThat(route("/chat", A).matches("/cha")).isFalse();
    }

    @Test
    void rootMatchesEveryPath() {
        Route root = route("/", A);

        assertThat(root.matches("/")).isTrue();
        assertThat(root.matches("/anything/at/all")).isTrue();
    }

    @Test
    void prefixEndingInSlashMatchesOnlyBelowIt() {
        Route api = route("/api/", A);

        assertThat(api.matches("/api/v1")).isTrue();
        assertThat(api.matches("/api")).isFalse();
    }

    @Test
    void longestMatchingPrefixWins() {
        Route root = route("/", A);
        Route chat = route("/chat", B);
        Route admin = route("/chat/admin", C);
        Router router = new Router(List.of(root, chat, admin));

        assertThat(router.route("/chat/admin/x")).contains(admin);
        assertThat(router.route("/chat/adminx")).contains(chat);
        assertThat(router.route("/chatroom")).contains(root);
        assertThat(router.route("/")).contains(root);
    }

    @Test
    void pathNoPrefixMatchesHasNoRoute() {
        Router router = new Router(List.of(route("/chat", A)));

        assertThat(router.route("/other")).isEqualTo(Optional.empty());
    }

    @Test
    void routesKeepConfigurationOrder() {
        Route root = route("/", A);
        Route chat = route("/chat", B);

        assertThat(new Router(List.of(root, chat)).routes()).containsExactly(root, chat);
    }

    @Test
    void backendsAreListedOnceInTheOrderRoutesFirstNameThem() {
        Router router = new Router(List.of(route("/a", B, A), route("/b", C, B)));

        assertThat(router.backends()).containsExactly(B, A, C);
    }

    @Test
    void routeNeedsAtLeastOneBackend() {
        assertThatThrownBy(() -> new Route("/chat", List.of(), new RoundRobinBalancer()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backendCountsItsConnectionsAndRefusesMoreClosesThanOpens() {
        Backend b = backend(9100);
        b.connecting();
        b.connecting();
        b.disconnected();

        assertThat(b.connections()).isEqualTo(1);
        b.disconnected();
        assertThatThrownBy(b::disconnected).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void backendAddressMustBeResolved() {
        assertThatThrownBy(() -> new Backend("x:1", InetSocketAddress.createUnresolved("x", 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Route route(String prefix, Backend... pool) {
        return new Route(prefix, List.of(pool), new RoundRobinBalancer());
    }

    static Backend backend(int port) {
        return new Backend("127.0.0.1:" + port, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }
}
