package dev.anchor.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The machine a run measured and the versions of what ran, for the results and the table's caption. */
record Machine(int cpus, String cpuModel, long memoryMiB, String os, String kernel, String java,
               String nginx, String haproxy) {

    /** Reads it all; call it before the harness pins itself, or cpus is 1. */
    static Machine probe() {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                match(read("/proc/cpuinfo"), "(?m)^model name\\s*:\\s*(.+)$").orElse("unknown"),
                match(read("/proc/meminfo"), "(?m)^MemTotal:\\s+(\\d+) kB").map(kb -> Long.parseLong(kb) / 1024).orElse(0L),
                match(read("/etc/os-release"), "(?m)^PRETTY_NAME=\"?([^\"\\n]+)").orElse("unknown"),
                read("/proc/sys/kernel/osrelease").trim(),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                version("nginx", "-v").orElse(null),
                version("haproxy", "-v").orElse(null));
    }

    /** One line describing it, for the table's caption. */
    String describe() {
        return cpus + " CPUs (" + cpuModel + "), " + Math.round(memoryMiB / 1024.0) + " GiB, " + os + ", Linux " + kernel
                + ", " + java;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<String> match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }

    /** The first line a program prints about its version, or empty where it is not installed. */
    private static Optional<String> version(String program, String flag) {
        if (Target.onPath(program).isEmpty()) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(List.of(program, flag)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().findFirst().map(String::trim);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
