package dev.anchor.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigTemplateTest {
    private static final Map<String, String> VALUES = Map.of("port", "18080", "backendPort", "18081", "dir", "/tmp/x");

    @Test
    void fillsEveryHole() {
        assertThat(ConfigTemplate.render("listen {{port}}; to {{backendPort}}; in {{dir}}/{{port}}", VALUES))
                .isEqualTo("listen 18080; to 18081; in /tmp/x/18080");
    }

    @Test
    void aHoleWithoutAValueIsAnError() {
        assertThatThrownBy(() -> ConfigTemplate.render("bind {{address}}", VALUES))
                .hasMessageContaining("{{address}}");
    }

    /** The checked-in templates use only the values the harness fills in. */
    @ParameterizedTest
    @ValueSource(strings = {"anchor.yaml", "nginx.conf", "haproxy.cfg"})
    void theCheckedInTemplatesRender(String name) throws IOException {
        String rendered = ConfigTemplate.render(Files.readString(Path.of("peers", name + ".template")), VALUES);
        assertThat(rendered).contains("127.0.0.1:18080", "127.0.0.1:18081").doesNotContain("{{");
    }
}
