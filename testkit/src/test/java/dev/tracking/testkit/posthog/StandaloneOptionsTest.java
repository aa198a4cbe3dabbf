package dev.tracking.testkit.posthog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StandaloneOptionsTest {

    @Test
    void parsesPortAndApiKey() {
        assertThat(StandaloneOptions.parse(new String[] {"--port", "18080", "--api-key", "phc_bench"}))
                .isEqualTo(new StandaloneOptions(18080, "phc_bench", false));
    }

    @Test
    void portDefaultsToAFreeOne() {
        assertThat(StandaloneOptions.parse(new String[] {"--api-key", "phc_bench"})
                        .port())
                .isZero();
    }

    @Test
    void namesTheBadValue() {
        assertThatThrownBy(() -> StandaloneOptions.parse(new String[] {"--port", "80a", "--api-key", "k"}))
                .hasMessageContaining("--port")
                .hasMessageContaining("'80a'");
        assertThatThrownBy(() -> StandaloneOptions.parse(new String[] {"--port", "70000", "--api-key", "k"}))
                .hasMessageContaining("'70000'");
        assertThatThrownBy(() -> StandaloneOptions.parse(new String[] {"--api-key", "k", "--verbose"}))
                .hasMessageContaining("'--verbose'");
    }

    @Test
    void requiresAnApiKeyWithAValue() {
        assertThatThrownBy(() -> StandaloneOptions.parse(new String[] {"--port", "0"}))
                .hasMessageContaining("--api-key");
        assertThatThrownBy(() -> StandaloneOptions.parse(new String[] {"--api-key"}))
                .hasMessageContaining("--api-key needs a value");
        assertThatThrownBy(() -> StandaloneOptions.parse(new String[] {"--api-key", "--port", "1"}))
                .hasMessageContaining("--api-key needs a value");
    }
}
