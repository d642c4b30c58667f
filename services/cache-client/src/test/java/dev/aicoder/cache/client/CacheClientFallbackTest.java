package dev.aicoder.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A cache service that is down, stuck or answering 404: callers keep working. */
@QuarkusTest
@QuarkusTestResource(StubCacheService.class)
class CacheClientFallbackTest {

  private static final byte[] VALUE = {4, 2};

  @Inject CacheClient cache;
  @Inject CacheClientConfig config;
  @Inject CircuitBreakerMaintenance breakers;

  @BeforeEach
  @AfterEach
  void reset() {
    StubCacheService.close();
    breakers.resetAll();
  }

  @Test
  void aClosedPortIsAnsweredFromTheLocalCopyAndOpensTheBreaker() {
    assertThat(cache.put("answers", "k1", VALUE, Duration.ofMinutes(1)))
        .as("not stored shared")
        .isFalse();
    for (int i = 0; i < 5; i++) {
      assertThat(cache.get("answers", "k1")).contains(VALUE);
      assertThat(cache.get("answers", "other")).isEmpty();
    }
    assertThat(cache.getAll("answers", List.of("k1", "other"))).containsOnlyKeys("k1");
    assertThat(breakers.currentState(CacheClient.GET)).isEqualTo(CircuitBreakerState.OPEN);

    cache.delete("answers", "k1");
    assertThat(cache.get("answers", "k1")).as("a delete reaches the local copy").isEmpty();
  }

  @Test
  void aStuckServiceCostsTheDeadlineUntilTheBreakerOpensThenNothing() throws Exception {
    cache.put("answers", "k2", VALUE, Duration.ofMinutes(1));
    StubCacheService.hang();
    // Each call waits out the read deadline (bounded generously here), then answers locally.
    for (int i = 0; i < 4; i++) {
      assertTimeoutPreemptively(
          config.getTimeout().multipliedBy(8),
          () -> assertThat(cache.get("answers", "k2")).contains(VALUE));
    }
    assertThat(breakers.currentState(CacheClient.GET)).isEqualTo(CircuitBreakerState.OPEN);
    int reached = StubCacheService.requests();
    assertThat(reached).isPositive();

    // Open: the calls no longer reach the service, so 20 of them take far less than 20 deadlines.
    Duration bound = config.getTimeout().multipliedBy(20).dividedBy(2);
    assertTimeoutPreemptively(
        bound,
        () -> {
          for (int i = 0; i < 20; i++) {
            assertThat(cache.get("answers", "k2")).contains(VALUE);
          }
        });
    assertThat(StubCacheService.requests()).isEqualTo(reached);
  }

  @Test
  void a404IsAMissNotAFailure() throws Exception {
    cache.put("answers", "k3", VALUE, Duration.ofMinutes(1));
    StubCacheService.answer(404);
    for (int i = 0; i < 10; i++) {
      assertThat(cache.get("answers", "k3")).as("the shared cache no longer has it").isEmpty();
    }
    assertThat(breakers.currentState(CacheClient.GET)).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(StubCacheService.requests()).isEqualTo(10);
  }

  @Test
  void a500IsAFailureAnsweredLocally() throws Exception {
    StubCacheService.answer(500);
    assertThat(cache.put("answers", "k4", VALUE, Duration.ofMinutes(1))).isFalse();
    assertThat(cache.get("answers", "k4")).contains(VALUE);
  }

  /** A wrong or missing internal credential makes the service unusable, not every key a miss. */
  @Test
  void aRefusedCredentialIsAFailureAnsweredLocally() throws Exception {
    StubCacheService.answer(401);
    assertThat(cache.put("answers", "k5", VALUE, Duration.ofMinutes(1))).isFalse();
    assertThat(cache.get("answers", "k5")).contains(VALUE);
  }

  @Test
  void aBadRequestIsNeitherAMissOfTheServiceNorAFailure() throws Exception {
    cache.put("answers", "k6", VALUE, Duration.ofMinutes(1));
    StubCacheService.answer(400);
    for (int i = 0; i < 6; i++) {
      assertThat(cache.get("answers", "k6")).isEmpty();
    }
    assertThat(breakers.currentState(CacheClient.GET)).isEqualTo(CircuitBreakerState.CLOSED);
  }
}
