package dev.anchor.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadersTest {
    private static Headers of(String... nameValuePairs) {
        List<HeaderField> fields = new ArrayList<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            fields.add(new HeaderField(nameValuePairs[i], nameValuePairs[i + 1]));
        }
        return Headers.of(fields);
    }

    @Test
    void connectionTokenListIsCaseInsensitiveAndSkipsEmptyElements() {
        Headers h = of("Connection", " , keep-alive ,,\tUpgrade , ");

        assertThat(h.tokens("connection")).containsExactly("keep-alive", "upgrade");
        assertThat(h.hasToken("CONNECTION", "UPGRADE")).isTrue();
    }

    @Test
    void tokensSpanEveryFieldLineOfThatName() {
        Headers h = of("Connection", "keep-alive", "X", "upgrade", "connection", "Upgrade");

        assertThat(h.tokens("Connection")).containsExactly("keep-alive", "upgrade");
    }

    @Test
    void tokensOfAnAbsentFieldAreEmpty() {
        assertThat(of("Host", "a").tokens("Connection")).isEmpty();
    }

    @Test
    void hasTokenMatchesWholeElementsOnly() {
        assertThat(of("Connection", "upgrade-insecure").hasToken("Connection", "upgrade")).isFalse();
    }

    @Test
    void namesCompareCaseInsensitively() {
        Headers h = of("Sec-WebSocket-Key", "k", "sec-websocket-key", "k2");

        assertThat(h.first("SEC-WEBSOCKET-KEY")).contains("k");
        assertThat(h.all("sec-WebSocket-key")).containsExactly("k", "k2");
        assertThat(h.count("Sec-Websocket-Key")).isEqualTo(2);
        assertThat(h.contains("sec-websocket-key")).isTrue();
        assertThat(h.first("Origin")).isEmpty();
    }

    @Test
    void withoutKeepsTheOrderOfWhatStays() {
        Headers h = of("A", "1", "B", "2", "C", "3", "b", "4");

        assertThat(h.without(f -> f.is("b")).fields()).extracting(HeaderField::name).containsExactly("A", "C");
    }

    @Test
    void withoutThatDropsNothingReturnsTheSameHeaders() {
        Headers h = of("A", "1");

        assertThat(h.without(f -> false)).isSameAs(h);
    }

    @Test
    void withAppendsALastFieldLine() {
        Headers h = of("A", "1").with("B", "2");

        assertThat(h.fields()).containsExactly(new HeaderField("A", "1"), new HeaderField("B", "2"));
    }

    @Test
    void equalityIsByFieldLinesInOrder() {
        assertThat(of("A", "1").with("B", "2")).isEqualTo(of("A", "1", "B", "2")).hasSameHashCodeAs(of("A", "1", "B", "2"));
        assertThat(of("A", "1", "B", "2")).isNotEqualTo(of("B", "2", "A", "1"));
        assertThat(Headers.of(List.of())).isSameAs(Headers.empty());
    }

    @Test
    void aCommaInsideAQuotedStringDoesNotSplitAnElement() {
        Headers h = Headers.of(java.util.List.of(new HeaderField("Sec-WebSocket-Extensions",
                "x-ext; list=\"a,b\", permessage-deflate; note=\"say \\\"hi, there\\\"\"")));

        assertThat(h.tokens("Sec-WebSocket-Extensions")).containsExactly(
                "x-ext; list=\"a,b\"", "permessage-deflate; note=\"say \\\"hi, there\\\"\"");
    }
}
