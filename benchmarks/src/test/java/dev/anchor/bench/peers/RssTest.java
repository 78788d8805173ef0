package dev.anchor.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RssTest {
    @Test
    void vmRssIsReadInKib() {
        String status = "Name:\tnginx\nVmPeak:\t   20000 kB\nVmHWM:\t    9000 kB\nVmRSS:\t    8124 kB\nRssAnon:\t    1000 kB\n";
        assertThat(Rss.vmRssKib(status)).isEqualTo(8124);
    }

    @Test
    void aProcessWithoutVmRssIsAnError() {
        assertThatThrownBy(() -> Rss.vmRssKib("Name:\tkthreadd\nState:\tS (sleeping)\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thisProcessIsResident() {
        assertThat(Rss.ofTree(ProcessHandle.current().pid())).isPositive();
    }
}
