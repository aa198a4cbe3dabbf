package dev.tracking.testkit.posthog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultScriptTest {
    private final FaultScript script = new FaultScript();

    @Test
    void appliesQueuedFaultsInOrderThenNone() {
        script.next(Fault.status(503), 2).next(Fault.resetAfterProcessing());

        assertThat(script.take()).isEqualTo(Fault.status(503));
        assertThat(script.take()).isEqualTo(Fault.status(503));
        assertThat(script.take()).isEqualTo(Fault.resetAfterProcessing());
        assertThat(script.take()).isNull();
    }

    @Test
    void outageAnswers503WithoutConsumingTheQueue() {
        script.next(Fault.quotaLimited()).outage(true);

        assertThat(script.take()).isEqualTo(Fault.status(503));
        assertThat(script.pending()).isEqualTo(1);

        script.outage(false);
        assertThat(script.take()).isEqualTo(Fault.quotaLimited());
    }

    @Test
    void clearForgetsQueueRulesAndOutage() {
        script.next(Fault.status(500), 3).outage(true).rejectEventsWhere(e -> true);

        script.clear();

        assertThat(script.take()).isNull();
        assertThat(script.firstRejected(
                        java.util.List.of(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode())))
                .isEqualTo(-1);
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertThat(((Fault.RateLimited) Fault.rateLimited(Duration.ofSeconds(2))).retryAfterSeconds())
                .isEqualTo(2);
        assertThat(((Fault.RateLimited) Fault.rateLimited(Duration.ofMillis(1500))).retryAfterSeconds())
                .isEqualTo(2);
        assertThat(((Fault.RateLimited) Fault.rateLimited(Duration.ZERO)).retryAfterSeconds())
                .isZero();
    }

    @Test
    void refusesNonsenseFaults() {
        assertThatThrownBy(() -> Fault.status(200)).hasMessageContaining("200");
        assertThatThrownBy(() -> script.next(Fault.status(503), 0)).hasMessageContaining("0");
        assertThatThrownBy(() -> Fault.slowAfterProcessing(Duration.ofSeconds(-1)))
                .hasMessageContaining("-1");
    }

    @Test
    void onlyProcessedThenAbandonedFaultsFlagEvents() {
        assertThat(Fault.slowAfterProcessing(Duration.ofSeconds(1)).abandonsProcessedRequest())
                .isTrue();
        assertThat(Fault.resetAfterProcessing().abandonsProcessedRequest()).isTrue();
        assertThat(Fault.resetBeforeProcessing().abandonsProcessedRequest()).isFalse();
        assertThat(Fault.status(503).abandonsProcessedRequest()).isFalse();
        assertThat(Fault.quotaLimited().abandonsProcessedRequest()).isFalse();
    }
}
