package io.alertrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.alertrelay.RelayProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.store.DeliveryStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A half-open breaker lets one trial delivery through. When that trial ends without saying anything
 * about the target (the relay's own database failed), the channel must get another trial, not wait
 * for ever for an outcome that never comes.
 */
class BreakerTrialTest {

    private final FlowControl flow = new FlowControl(new ChannelRegistry(new RelayProperties(), List.of()),
            mock(DeliveryStore.class), new RelayProperties());

    private static Failure failure(String type) {
        return new Failure(type, type, null, null, null, false, -1);
    }

    @Test
    void aTrialInterruptedByTheRelaysOwnStorageGivesItsPermissionBack() {
        CircuitBreaker breaker = flow.breaker("hook");
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        assertThat(breaker.tryAcquirePermission()).isTrue();
        assertThat(breaker.tryAcquirePermission()).isFalse();

        flow.attemptFailed("hook", failure(FailureClassifier.STORAGE_ERROR), new RuntimeException("db down"));

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquirePermission()).isTrue();
    }

    @Test
    void aTrialThatFailsAtTheTargetOpensTheBreakerAgain() {
        CircuitBreaker breaker = flow.breaker("hook");
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        assertThat(breaker.tryAcquirePermission()).isTrue();

        flow.attemptFailed("hook", failure("server_error"), new RuntimeException("HTTP 503"));

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
