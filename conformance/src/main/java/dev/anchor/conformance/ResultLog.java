package dev.anchor.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anchor.conformance.report.Results;
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
 * Collects each rule's verdict per target and, when the test run ends, writes one JSON file per
 * target ({@code target/conformance/<name>.json}) for the docs' matrix and {@code anchor conform}'s
 * report.
 */
final class ResultLog implements AutoCloseable {
    /** The configuration parameter (or system property) that names where the files go. */
    static final String RESULTS = "anchor.conformance.results";

    private final Path directory;

    ResultLog(Path directory) {
        this.directory = directory;
    }

    private final Map<String, List<Results.Result>> byImplementation = new ConcurrentHashMap<>();

    void add(String implementation, Rule rule, Verdict verdict, String detail, long millis, boolean expected) {
        byImplementation.computeIfAbsent(implementation, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(new Results.Result(rule.id(), rule.strength().label(), rule.basis().text(), rule.statement(),
                        verdict.label(), detail, millis, expected));
    }

    @Override
    public void close() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            Files.createDirectories(directory);
            for (Map.Entry<String, List<Results.Result>> e : byImplementation.entrySet()) {
                List<Results.Result> sorted = new ArrayList<>(e.getValue());
                sorted.sort(Comparator.comparing(Results.Result::rule));
                json.writeValue(directory.resolve(e.getKey() + ".json").toFile(),
                        new Results(e.getKey(), Runtime.version().toString(), sorted));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write conformance results to " + directory, e);
        }
    }
}
