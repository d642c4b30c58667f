package dev.aicoder.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class SigningKeysTest {

  @Inject SigningKeys keys;
  @Inject Vertx vertx;

  @Test
  void aDueRecheckNeverBlocksTheEventLoop() throws Exception {
    SigningKeys.Loaded known = keys.current();
    keys.expire();
    CompletableFuture<SigningKeys.Loaded> onEventLoop = new CompletableFuture<>();
    vertx.runOnContext(
        v -> {
          try {
            onEventLoop.complete(keys.current());
          } catch (RuntimeException e) {
            onEventLoop.completeExceptionally(e);
          }
        });
    assertThat(onEventLoop.get(5, TimeUnit.SECONDS).key().id()).isEqualTo(known.key().id());
    long deadline = System.currentTimeMillis() + 5000;
    while (keys.current().loadedAtMs() == 0 && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(keys.current().loadedAtMs()).as("re-checked in the background").isPositive();
  }
}
