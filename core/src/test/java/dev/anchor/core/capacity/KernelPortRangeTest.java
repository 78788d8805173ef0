package dev.anchor.core.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelPortRangeTest {
    @TempDir
    Path dir;

    @Test
    void readsLinuxsFile() throws Exception {
        KernelPortRange r = KernelPortRange.read(file("32768\t60999\n"));

        assertThat(r.known()).isTrue();
        assertThat(r.low()).isEqualTo(32768);
        assertThat(r.high()).isEqualTo(60999);
        assertThat(r.count()).isEqualTo(28_232);
        assertThat(r.why()).isEmpty();
        assertThat(r.formula()).isEqualTo("1 source address (the kernel's choice) x 28,232 ephemeral ports = 28,232");
        assertThat(r.toString()).isEqualTo("32768-60999");
        assertThat(r).isEqualTo(KernelPortRange.of(32768, 60999));
    }

    @Test
    void aSinglePortIsSingular() throws Exception {
        KernelPortRange r = KernelPortRange.read(file("40000 40000"));

        assertThat(r.count()).isEqualTo(1);
        assertThat(r.formula()).isEqualTo("1 source address (the kernel's choice) x 1 ephemeral port = 1");
    }

    @Test
    void aMissingFileMeansNotLinux() {
        Path missing = dir.resolve("ip_local_port_range");

        KernelPortRange r = KernelPortRange.read(missing);

        assertThat(r.known()).isFalse();
        assertThat(r.why()).startsWith("not Linux").contains(missing.toString());
        assertThat(r.formula()).endsWith("= unknown (" + r.why() + ")");
        assertThat(r.toString()).isEqualTo("unknown (" + r.why() + ")");
        assertThatThrownBy(r::count).isInstanceOf(IllegalStateException.class).hasMessageContaining("not Linux");
    }

    @Test
    void garbageIsNamed() throws Exception {
        Path f = file("hello world\n");

        KernelPortRange r = KernelPortRange.read(f);

        assertThat(r.known()).isFalse();
        assertThat(r.why()).isEqualTo(f + " holds 'hello world', not two port numbers low high");
    }

    @Test
    void numbersThatAreNoRangeAreGarbageToo() throws Exception {
        for (String text : new String[] {"60999 32768", "0 100", "32768 65536", "32768", "1 2 3", "", "-1 5"}) {
            KernelPortRange r = KernelPortRange.read(file(text));
            assertThat(r.known()).as(text).isFalse();
            assertThat(r.why()).as(text).contains("holds '" + text.strip() + "'");
        }
    }

    @Test
    void longGarbageIsCut() throws Exception {
        KernelPortRange r = KernelPortRange.read(file("x".repeat(100)));

        assertThat(r.why()).contains("holds '" + "x".repeat(40) + "...'");
    }

    @Test
    void aDirectoryCannotBeRead() {
        KernelPortRange r = KernelPortRange.read(dir);

        assertThat(r.known()).isFalse();
        assertThat(r.why()).startsWith("cannot read " + dir);
    }

    private Path file(String text) throws Exception {
        Path f = Files.createTempFile(dir, "ip_local_port_range", "");
        Files.writeString(f, text, StandardCharsets.US_ASCII);
        return f;
    }
}
