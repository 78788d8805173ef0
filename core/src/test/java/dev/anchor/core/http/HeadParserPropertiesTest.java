package dev.anchor.core.http;

import static dev.anchor.core.Heads.escape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.anchor.core.Gens;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Properties of the head parsers over generated input. Each prints its seed when falsified;
 * {@code mvn test -pl core -Dtest=HeadParserPropertiesTest -DQT_SEED=<seed>} replays it.
 */
class HeadParserPropertiesTest {

    @Test
    void requestParserThrowsNothingButHeadParseExceptionOnArbitraryBytes() {
        qt().withExamples(2000)
                .forAll(arbitraryRequestStreams(), Gens.readSizes(), limits())
                .checkAssert((stream, reads, limits) -> {
                    try {
                        Feeding.feed(new RequestHeadParser(limits), stream.bytes(), reads);
                    } catch (HeadParseException e) {
                        assertThat(e.status()).as(e.getMessage()).isIn(400, 414, 431, 505);
                    }
                });
    }

    @Test
    void responseParserThrowsNothingButHeadParseException502OnArbitraryBytes() {
        qt().withExamples(1000)
                .forAll(arbitraryResponseStreams(), Gens.readSizes(), limits())
                .checkAssert((stream, reads, limits) -> {
                    try {
                        Feeding.feed(new ResponseHeadParser(limits), stream.bytes(), reads);
                    } catch (HeadParseException e) {
                        assertThat(e.status()).as(e.getMessage()).isEqualTo(502);
                    }
                });
    }

    @Test
    void validRequestHeadParsesTheSameHoweverItIsChopped() {
        qt().withExamples(500)
                .forAll(HeadGens.requests(), Gens.readSizes())
                .checkAssert((head, reads) -> {
                    byte[] wire = Feeding.bytes(head.render());
                    RequestHead whole = parseWhole(new RequestHeadParser(HeadLimits.DEFAULT), wire);
                    Feeding.Fed<RequestHead> chopped = feed(new RequestHeadParser(HeadLimits.DEFAULT), wire, reads);
                    assertThat(chopped.head()).isNotNull().isEqualTo(whole);
                    assertThat(chopped.end()).isEqualTo(wire.length);
                });
    }

    @Test
    void validResponseHeadParsesTheSameHoweverItIsChopped() {
        qt().withExamples(300)
                .forAll(HeadGens.responses(), Gens.readSizes())
                .checkAssert((head, reads) -> {
                    byte[] wire = Feeding.bytes(head.render());
                    ResponseHead whole = parseWhole(new ResponseHeadParser(HeadLimits.DEFAULT), wire);
                    Feeding.Fed<ResponseHead> chopped = feed(new ResponseHeadParser(HeadLimits.DEFAULT), wire, reads);
                    assertThat(chopped.head()).isNotNull().isEqualTo(whole);
                    assertThat(chopped.end()).isEqualTo(wire.length);
                });
    }

    @Test
    void parsingARenderedRequestHeadGivesItBack() {
        qt().withExamples(500)
                .forAll(HeadGens.requests())
                .checkAssert(head -> assertThat(
                        parseWhole(new RequestHeadParser(HeadLimits.DEFAULT), Feeding.bytes(head.render())))
                        .isEqualTo(head));
    }

    @Test
    void parsingARenderedResponseHeadGivesItBack() {
        qt().withExamples(500)
                .forAll(HeadGens.responses())
                .checkAssert(head -> assertThat(
                        parseWhole(new ResponseHeadParser(HeadLimits.DEFAULT), Feeding.bytes(head.render())))
                        .isEqualTo(head));
    }

    @Test
    void bytesAfterARequestHeadAreNeverConsumed() {
        qt().withExamples(300)
                .forAll(HeadGens.requests(), Gens.bytes(1, 100, Gens.framingBytes()), Gens.readSizes())
                .checkAssert((head, trailing, reads) -> {
                    byte[] wire = Feeding.bytes(head.render());
                    Feeding.Fed<RequestHead> fed =
                            feed(new RequestHeadParser(HeadLimits.DEFAULT), concat(wire, trailing), reads);
                    assertThat(fed.head()).isEqualTo(head);
                    assertThat(fed.end()).isEqualTo(wire.length);
                });
    }

    @Test
    void bytesAfterAResponseHeadAreNeverConsumed() {
        qt().withExamples(300)
                .forAll(HeadGens.responses(), Gens.bytes(1, 100, Gens.framingBytes()), Gens.readSizes())
                .checkAssert((head, trailing, reads) -> {
                    byte[] wire = Feeding.bytes(head.render());
                    Feeding.Fed<ResponseHead> fed =
                            feed(new ResponseHeadParser(HeadLimits.DEFAULT), concat(wire, trailing), reads);
                    assertThat(fed.head()).isEqualTo(head);
                    assertThat(fed.end()).isEqualTo(wire.length);
                });
    }

    @Test
    void bytesAfterAHeadStayInTheBufferItArrivedIn() {
        qt().withExamples(300)
                .forAll(HeadGens.requests(), Gens.bytes(0, 100, Gens.framingBytes()))
                .checkAssert((head, trailing) -> {
                    ByteBuffer buffer = ByteBuffer.wrap(concat(Feeding.bytes(head.render()), trailing));
                    assertThat(parse(new RequestHeadParser(HeadLimits.DEFAULT), buffer)).isEqualTo(head);
                    byte[] left = new byte[buffer.remaining()];
                    buffer.get(left);
                    assertThat(left).isEqualTo(trailing);
                });
    }

    // --- generators of hostile input ---

    /** Bytes to feed a parser, printed readably when a property fails. */
    record Stream(byte[] bytes) {
        @Override
        public String toString() {
            return "'" + escape(bytes) + "'";
        }
    }

    /** One edit of a valid head: flip a byte, insert or overwrite with a framing byte, or delete one. */
    record Mutation(int kind, int at, int value) {
        private static final byte[] FRAMING = {'\r', '\n', 0, ' ', ':', '\t', 0x7f, (byte) 0xff};

        byte[] applyTo(byte[] b) {
            int i = at % (b.length + 1);
            byte framing = FRAMING[value % FRAMING.length];
            return switch (kind) {
                case 0 -> i == b.length ? b : with(b, i, (byte) (b[i] ^ (value | 1)));
                case 1 -> concat(Arrays.copyOfRange(b, 0, i), new byte[] {framing}, Arrays.copyOfRange(b, i, b.length));
                case 2 -> i == b.length ? b : concat(Arrays.copyOfRange(b, 0, i), Arrays.copyOfRange(b, i + 1, b.length));
                default -> i == b.length ? b : with(b, i, framing);
            };
        }

        private static byte[] with(byte[] b, int i, byte value) {
            byte[] copy = b.clone();
            copy[i] = value;
            return copy;
        }
    }

    private static Gen<Stream> arbitraryRequestStreams() {
        byte[] requestLine = "GET /chat HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
        return Generate.oneOf(
                randomBytes(),
                Gens.bytes(0, 200, Gens.framingBytes()).map(b -> new Stream(concat(requestLine, b))),
                mutated(HeadGens.requests().map(h -> Feeding.bytes(h.render()))));
    }

    private static Gen<Stream> arbitraryResponseStreams() {
        byte[] statusLine = "HTTP/1.1 101 Switching Protocols\r\n".getBytes(StandardCharsets.ISO_8859_1);
        return Generate.oneOf(
                randomBytes(),
                Gens.bytes(0, 200, Gens.framingBytes()).map(b -> new Stream(concat(statusLine, b))),
                mutated(HeadGens.responses().map(h -> Feeding.bytes(h.render()))));
    }

    private static Gen<Stream> randomBytes() {
        return Gens.bytes(0, 300, Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)).map(Stream::new);
    }

    private static Gen<Stream> mutated(Gen<byte[]> valid) {
        Gen<Mutation> mutation = integers().between(0, 3)
                .zip(integers().between(0, 100_000), integers().between(0, 255), Mutation::new);
        return valid.zip(lists().of(mutation).ofSizeBetween(1, 5), (bytes, mutations) -> {
            byte[] b = bytes;
            for (Mutation m : mutations) {
                b = m.applyTo(b);
            }
            return new Stream(b);
        });
    }

    private static Gen<HeadLimits> limits() {
        return Generate.pick(List.of(HeadLimits.DEFAULT, new HeadLimits(64, 2), new HeadLimits(256, 5)));
    }

    // --- plumbing ---

    private static <T> T parseWhole(HeadParser<T> parser, byte[] wire) {
        return parse(parser, ByteBuffer.wrap(wire));
    }

    private static <T> T parse(HeadParser<T> parser, ByteBuffer buffer) {
        try {
            return parser.parse(buffer);
        } catch (HeadParseException e) {
            throw new AssertionError("a valid head was refused with " + e.status() + ": " + e.getMessage(), e);
        }
    }

    private static <T> Feeding.Fed<T> feed(HeadParser<T> parser, byte[] wire, List<Integer> reads) {
        try {
            return Feeding.feed(parser, wire, reads);
        } catch (HeadParseException e) {
            throw new AssertionError("a valid head was refused with " + e.status() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
