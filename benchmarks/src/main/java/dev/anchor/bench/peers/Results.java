package dev.anchor.bench.peers;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run produced, as JSON: the machine, the command and method, every measurement's
 * raw figures, and for each case, target and figure the median with its min and max. The tables
 * in the docs are rendered from this file by {@link PeersTable}.
 *
 * @param summary case id, then target, then figure name: the spread of that figure over the reps
 */
record Results(String benchmark, String date, double minutes, String command, Machine machine, Method method,
               List<Skipped> skipped, List<Run> runs, Map<String, Map<String, Map<String, Spread>>> summary) {

    /** How the run was made. */
    record Method(int reps, double warmupSeconds, double measureSeconds, int idleTunnels, String placement,
                  String order, String loadClient, List<String> targets, Map<String, String> cases) {
    }

    /** A target left out, and why. */
    record Skipped(String target, String reason) {
    }

    /** One measurement: one case against one target in one repetition. */
    record Run(int rep, @JsonProperty("case") String caseId, String target, Map<String, Double> figures) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The spread of every figure, by case, then target, in the order the runs came. */
    static Map<String, Map<String, Map<String, Spread>>> summarize(List<Run> runs) {
        Map<String, Map<String, Map<String, List<Double>>>> values = new LinkedHashMap<>();
        for (Run run : runs) {
            Map<String, List<Double>> byFigure = values
                    .computeIfAbsent(run.caseId(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(run.target(), k -> new LinkedHashMap<>());
            run.figures().forEach((name, value) -> byFigure.computeIfAbsent(name, k -> new ArrayList<>()).add(value));
        }
        Map<String, Map<String, Map<String, Spread>>> summary = new LinkedHashMap<>();
        values.forEach((caseId, byTarget) -> byTarget.forEach((target, byFigure) -> byFigure.forEach((name, list) ->
                summary.computeIfAbsent(caseId, k -> new LinkedHashMap<>())
                        .computeIfAbsent(target, k -> new LinkedHashMap<>())
                        .put(name, Spread.of(list)))));
        return summary;
    }

    void write(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        JSON.writeValue(file.toFile(), this);
    }

    static Results read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Results.class);
    }

    static Results parse(String json) throws IOException {
        return JSON.readValue(json, Results.class);
    }
}
