package dev.anchor.conformance.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.conformance.Capability;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.Verdict;
import dev.anchor.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetFileTest {

    @Test
    void everyShippedTargetFileReads() throws IOException {
        for (String file : List.of("targets/nginx/target.yaml", "targets/haproxy/target.yaml",
                "targets/anchor/blocking.yaml", "targets/anchor/nio.yaml", "targets/anchor/netty.yaml",
                "../examples/conformance/my-gateway.yaml")) {
            TargetFile t = TargetFile.read(Path.of(file));
            assertThat(t.command()).as(file).isNotEmpty();
            assertThat(t.templates()).as(file).isNotEmpty();
        }
        TargetFile nginx = TargetFile.read(Path.of("targets/nginx/target.yaml"));
        assertThat(nginx.capabilities()).contains(Capability.HEALTHZ).doesNotContain(Capability.HEARTBEAT);
        assertThat(nginx.expectations().of(Rule.UPG_05)).hasValueSatisfying(d -> {
            assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(d.source()).contains("ngx_http_proxy_module.c");
        });
        assertThat(TargetFile.read(Path.of("targets/anchor/nio.yaml")))
                .satisfies(t -> assertThat(t.strict()).isTrue())
                .satisfies(t -> assertThat(t.implementation()).isEqualTo("nio"))
                .satisfies(t -> assertThat(t.stopSignals()).as("SIGTERM drains, the second stops").containsExactly("TERM", "INT"));
        assertThat(nginx.stopSignals()).containsExactly("TERM");
    }

    @Test
    void anUnknownStopSignalIsRefusedNamingItsKey(@TempDir Path dir) throws IOException {
        Path file = write(dir, "name: x\ncommand: [true]\nstop: {signals: [TERM, STOP]}\n");

        assertThatThrownBy(() -> TargetFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stop.signals[1]").hasMessageContaining("STOP");
    }

    @Test
    void anUnknownCapabilityIsRefusedNamingItsKey(@TempDir Path dir) throws IOException {
        Path file = write(dir, "name: x\ncommand: [true]\ncapabilities: [healthz, heartbeats]\n");

        assertThatThrownBy(() -> TargetFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("capabilities[1]").hasMessageContaining("heartbeats")
                .hasMessageContaining(file.toString());
    }

    @Test
    void aMissingCommandIsRefused(@TempDir Path dir) throws IOException {
        Path file = write(dir, "name: x\n");

        assertThatThrownBy(() -> TargetFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("command");
    }

    @Test
    void aMissingTemplateIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = write(dir, "name: x\ncommand: [true]\nfiles: {x.conf: nowhere.mustache}\n");

        assertThatThrownBy(() -> TargetFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("files.x.conf").hasMessageContaining("nowhere.mustache");
    }

    @Test
    void anExpectationNeedsARuleAVerdictAndASource(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("e.yaml"), "divergences:\n  UPG-99: {verdict: fail, why: w, source: s}\n");
        Path unknown = write(dir, "name: x\ncommand: [true]\nexpectations: e.yaml\n");
        assertThatThrownBy(() -> TargetFile.read(unknown)).hasMessageContaining("divergences.UPG-99");

        Files.writeString(dir.resolve("e.yaml"), "divergences:\n  UPG-05: {verdict: fail, why: w}\n");
        assertThatThrownBy(() -> TargetFile.read(unknown)).hasMessageContaining("divergences.UPG-05.source");

        Files.writeString(dir.resolve("e.yaml"), "divergences:\n  UPG-05: {verdict: pass, why: w, source: s}\n");
        assertThatThrownBy(() -> TargetFile.read(unknown)).hasMessageContaining("divergences.UPG-05.verdict")
                .hasMessageContaining("pass");
    }

    @Test
    void aProgramNotInstalledMakesTheTargetUnavailableWithTheReason(@TempDir Path dir) throws IOException {
        Path file = write(dir, "name: x\nrequires: [no-such-gateway-here]\ncommand: [no-such-gateway-here]\n");

        assertThat(ProcessTarget.read(file).unavailable()).hasValueSatisfying(why ->
                assertThat(why).contains("no-such-gateway-here is not installed"));
    }

    private static Path write(Path dir, String yaml) throws IOException {
        return Files.writeString(dir.resolve("target.yaml"), yaml);
    }
}
