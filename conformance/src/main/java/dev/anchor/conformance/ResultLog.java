package dev.anchor.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects each rule's verdict per implementation and, when the test run ends, writes one JSON
 * file per implementation ({@code target/conformance/<name>.json}) for the docs' matrix.
 */
final class ResultLog implements AutoCloseable {
    static final Path DIRECTORY = Path.of(System.getProperty("anchor.conformance.results", "target/conformance"));

    record Result(String rule, String strength, String statement, String verdict, String detail, long millis) {
    }

    record Report(String implementation, String java, List<Result> results) {
    }

    private final Map<String, List<Result>> byImplementation = new ConcurrentHashMap<>();

    void add(String implementation, Rule rule, Verdict verdict, String detail, long millis) {
        byImplementation.computeIfAbsent(implementation, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(new Result(rule.id(), rule.strength().label(), rule.statement(), verdict.label(), detail, millis));
    }

    @Override
    public void close() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            Files.createDirectories(DIRECTORY);
            for (Map.Entry<String, List<Result>> e : byImplementation.entrySet()) {
                List<Result> sorted = new ArrayList<>(e.getValue());
                sorted.sort(Comparator.comparing(Result::rule));
                json.writeValue(DIRECTORY.resolve(e.getKey() + ".json").toFile(),
                        new Report(e.getKey(), Runtime.version().toString(), sorted));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write conformance results to " + DIRECTORY, e);
        }
    }
}
