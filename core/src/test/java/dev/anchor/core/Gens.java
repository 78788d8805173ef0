package dev.anchor.core;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators shared by the property tests. Every property runs with an explicit example count;
 * a failure prints the seed, and {@code -DQT_SEED=<seed>} on the Maven command line replays it.
 */
public final class Gens {
    /** tchar (RFC 9110 section 5.6.2): what methods, field names and Connection options are made of. */
    public static final String TCHARS =
            "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Gens() {
    }

    public static Gen<String> stringOf(String alphabet, int minLength, int maxLength) {
        List<Character> chars = alphabet.chars().mapToObj(c -> (char) c).toList();
        return lists().of(Generate.pick(chars)).ofSizeBetween(minLength, maxLength)
                .map(cs -> {
                    StringBuilder sb = new StringBuilder(cs.size());
                    cs.forEach(sb::append);
                    return sb.toString();
                });
    }

    public static Gen<String> token(int minLength, int maxLength) {
        return stringOf(TCHARS, minLength, maxLength);
    }

    /**
     * How to cut a byte stream into reads, used cyclically: one byte at a time, or reads of random
     * sizes. Tests feed each read as its own buffer, so a parser cannot look back.
     */
    public static Gen<List<Integer>> readSizes() {
        return Generate.frequency(
                Pair.of(1, Generate.constant(List.of(1))),
                Pair.of(4, lists().of(integers().between(1, 64)).ofSizeBetween(1, 20)));
    }

    /** Any byte, leaning towards the ones that matter to HTTP framing. */
    public static Gen<Byte> framingBytes() {
        List<Byte> specials = List.of((byte) '\r', (byte) '\n', (byte) 0, (byte) ' ', (byte) '\t',
                (byte) ':', (byte) ';', (byte) 0x7f, (byte) 0xff, (byte) '0', (byte) 'a');
        return Generate.frequency(
                Pair.of(3, Generate.pick(specials)),
                Pair.of(5, Generate.bytes((byte) 0x21, (byte) 0x7e, (byte) 'a')),
                Pair.of(2, Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)));
    }

    public static Gen<byte[]> bytes(int minLength, int maxLength, Gen<Byte> contents) {
        return Generate.byteArrays(integers().between(minLength, maxLength), contents);
    }

    /** Cuts {@code bytes} into reads of the given sizes (cyclically), the last one possibly shorter. */
    public static List<byte[]> chop(byte[] bytes, List<Integer> sizes) {
        List<byte[]> reads = new ArrayList<>();
        for (int offset = 0, i = 0; offset < bytes.length; i++) {
            int n = Math.min(sizes.get(i % sizes.size()), bytes.length - offset);
            reads.add(Arrays.copyOfRange(bytes, offset, offset + n));
            offset += n;
        }
        return reads;
    }
}
