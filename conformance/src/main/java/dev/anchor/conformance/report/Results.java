package dev.anchor.conformance.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One target's results file as the suite writes it ({@code <name>.json}): every rule's verdict,
 * with the message, the time it took and whether the target's expectations explain it.
 */
public record Results(String implementation, String java, List<Result> results) {

    public record Result(String rule, String strength, String basis, String statement, String verdict, String detail,
                         long millis, boolean expected) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static Results read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Results.class);
    }

    /** Every results file in {@code dir}, by name. */
    public static List<Results> readAll(Path dir) throws IOException {
        List<Results> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(read(f));
            }
        }
        out.sort(Comparator.comparing(Results::implementation));
        return out;
    }

    /** How many rules got each verdict, in the order PASS, FAIL, NON-STRICT, ... */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String v : List.of("pass", "fail", "non-strict", "informational", "unsupported", "skipped")) {
            counts.put(v, results.stream().filter(r -> r.verdict().equals(v)).count());
        }
        return counts;
    }
}
