package dev.anchor.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

class SeedsTest {
    @Test
    void aFailingPropertyNamesItsRunSeedAndItsCaseSeed() {
        Throwable failure = catchThrowable(() -> Seeds.theory(50)
                .forAll(integers().between(0, 10), longs().between(1_000_000, 2_000_000))
                .check((n, caseSeed) -> n < 5));

        assertThat(failure).isInstanceOf(AssertionError.class);
        assertThat(failure.getMessage()).contains("Seed was ").containsPattern("\\b1[0-9]{6}\\b");
    }

    @Test
    void theCaseCountIsTheOneAsked() {
        int[] cases = {0};

        Seeds.theory(200).forAll(integers().all()).check(n -> ++cases[0] > 0);

        assertThat(cases[0]).isEqualTo(Seeds.examples(200));
    }
}
