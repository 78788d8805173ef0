package dev.anchor.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestTargetTest {

    @Test
    void originFormSplitsPathAndQuery() throws HeadParseException {
        RequestTarget t = RequestTarget.parse("/chat/room?id=1&x=/y?z");

        assertThat(t.path()).isEqualTo("/chat/room");
        assertThat(t.query()).isEqualTo("id=1&x=/y?z");
        assertThat(t.originForm()).isEqualTo("/chat/room?id=1&x=/y?z");
    }

    @Test
    void originFormWithoutQuestionMarkHasNoQuery() throws HeadParseException {
        assertThat(RequestTarget.parse("/chat").query()).isNull();
    }

    @Test
    void emptyQueryIsKeptAsEmpty() throws HeadParseException {
        RequestTarget t = RequestTarget.parse("/chat?");

        assertThat(t.query()).isEmpty();
        assertThat(t.originForm()).isEqualTo("/chat?");
    }

    @Test
    void absoluteFormTargetYieldsPathAndQuery() throws HeadParseException {
        RequestTarget t = RequestTarget.parse("http://gw.example:8080/chat?room=1");

        assertThat(t.raw()).isEqualTo("http://gw.example:8080/chat?room=1");
        assertThat(t.path()).isEqualTo("/chat");
        assertThat(t.query()).isEqualTo("room=1");
        assertThat(t.originForm()).isEqualTo("/chat?room=1");
    }

    @Test
    void absoluteFormWithoutPathNamesTheRoot() throws HeadParseException {
        assertThat(RequestTarget.parse("http://gw.example").originForm()).isEqualTo("/");
        assertThat(RequestTarget.parse("http://gw.example?x=1").originForm()).isEqualTo("/?x=1");
    }

    @Test
    void wsSchemeAndUpperCaseSchemeAreAccepted() throws HeadParseException {
        assertThat(RequestTarget.parse("ws://gw.example/chat").path()).isEqualTo("/chat");
        assertThat(RequestTarget.parse("HTTP://gw.example/chat").path()).isEqualTo("/chat");
    }

    @Test
    void absoluteFormWithoutHostIsRejected() {
        assertRejected("http:///chat");
        assertRejected("http://");
    }

    @Test
    void asteriskAndAuthorityFormsAreRejected() {
        assertRejected("*");
        assertRejected("gw.example:443");
    }

    @Test
    void fragmentIsRejected() {
        assertRejected("/chat#top");
    }

    @Test
    void whitespaceControlAndNonAsciiAreRejected() {
        assertRejected("/a b");
        assertRejected("/a\tb");
        assertRejected("/a\u0000");
        assertRejected("/caf\u00e9");
    }

    @Test
    void emptyTargetIsRejected() {
        assertRejected("");
    }

    private static void assertRejected(String raw) {
        assertThatThrownBy(() -> RequestTarget.parse(raw))
                .isInstanceOfSatisfying(HeadParseException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void absoluteFormKeepsItsAuthority() throws HeadParseException {
        RequestTarget t = RequestTarget.parse("ws://chat.example:8080/room?x=1");

        assertThat(t.authority()).isEqualTo("chat.example:8080");
        assertThat(t.originForm()).isEqualTo("/room?x=1");
        assertThat(RequestTarget.parse("/room").authority()).isNull();
    }

    @Test
    void userInformationInTheAuthorityIs400() {
        assertThatThrownBy(() -> RequestTarget.parse("http://user:pw@host/room"))
                .isInstanceOfSatisfying(HeadParseException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void dotSegmentsAre400EvenPercentEncoded() {
        for (String target : new String[] {"/chat/../admin", "/chat/./x", "/..", "/chat/%2e%2E/admin", "/a/%2e", "http://h/a/../b"}) {
            assertThatThrownBy(() -> RequestTarget.parse(target)).as(target)
                    .isInstanceOfSatisfying(HeadParseException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void dotsInsideASegmentAreFine() throws HeadParseException {
        assertThat(RequestTarget.parse("/files/a..b/.hidden/v1.2").path()).isEqualTo("/files/a..b/.hidden/v1.2");
    }
}
