package dev.anchor.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Host values as RFC 9110 section 7.2 and RFC 3986 section 3.2.2 read them. */
class AuthorityTest {

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "example.com:8080", "EXAMPLE.com:", "127.0.0.1", "127.0.0.1:80",
            "1.2.3.999", "[::1]", "[::1]:443", "[2001:db8::1]", "[::ffff:192.0.2.1]:8080", "[1:2:3:4:5:6:7:8]",
            "[v7.some+thing]", "xn--bcher-kva.example", "a%41b", "a-b_c~d", "sub!$&'()*+,;=delims", "h:0",
            "h:65535", "localhost:00080"})
    void validAuthoritiesPass(String value) {
        assertThat(Authority.problem(value)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "", ":80", "user@host", "user:pw@host:80", "[::1", "[::1]x", "[::1]80",
            "[12345::]", "[1:2:3:4:5:6:7:8:9]", "[1::2::3]", "[::1.2.3.256]", "[example.com]", "::1",
            "host:65536", "host:123456", "host:8o", "exa%mple", "exa%4", "a/b", "a\\b", "a\"b", "a<b>",
            "h\u00e9te", "a:b:80", "[v.x]", "[vz.x]"})
    void invalidAuthoritiesAreRefusedWithA400(String value) {
        assertThat(Authority.problem(value)).isNotNull();
        assertThatThrownBy(() -> Authority.check("Host", value))
                .isInstanceOfSatisfying(HeadParseException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("Host");
    }
}
