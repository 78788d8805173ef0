package dev.anchor.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcCpuTest {
    @Test
    void utimePlusStimeAreFields14And15() {
        String line = "4242 (java) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1500 250 7 3 20 0 31 0 12345 "
                + "4000000000 120000 18446744073709551615 1 1 0 0 0 0 4 4096 16387 0 0 0 17 0 0 0 0 0 0";
        assertThat(ProcCpu.ticks(line)).isEqualTo(1500 + 250);
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String line = "77 (nginx: worker (1) process) S 76 76 76 0 -1 4194624 900 0 0 0 31 9 0 0 20 0 1 0 555 "
                + "20000000 3000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
        assertThat(ProcCpu.ticks(line)).isEqualTo(40);
    }

    @Test
    void notAStatLineIsRefused() {
        assertThatThrownBy(() -> ProcCpu.ticks("no parenthesis here")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thisProcessHasUsedSomeCpu() {
        assertThat(ProcCpu.ofProcess(ProcessHandle.current().pid())).isPositive();
    }
}
