package dev.aicoder.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11: with forwarding on, X-Forwarded-For counts only when a configured proxy sends it. */
@QuarkusTest
@TestProfile(UntrustedProxyTest.OtherProxy.class)
@QuarkusTestResource(LocalRedisResource.class)
class UntrustedProxyTest {

  /** Forwarding is on, but the only trusted proxy is an address the test client is not. */
  public static class OtherProxy implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.http.proxy.proxy-address-forwarding", "true",
          "quarkus.http.proxy.allow-x-forwarded", "true",
          "quarkus.http.proxy.trusted-proxies", "10.9.9.9");
    }
  }

  @Inject RedisDataSource redis;

  @Test
  void aClientSetForwardedForIsIgnored() {
    redis.key().del(GatewayKeys.loginFailuresFrom("127.0.0.1"));
    for (int i = 0; i < 3; i++) {
      LoginThrottleTest.login("nobody-" + i, "guess", "203.0.113." + i).then().statusCode(401);
    }
    // Counted against the real peer, not the addresses the client made up.
    assertThat(redis.value(Long.class).get(GatewayKeys.loginFailuresFrom("127.0.0.1")))
        .isEqualTo(3L);
    assertThat(redis.key().exists(GatewayKeys.loginFailuresFrom("203.0.113.0"))).isFalse();
    redis.key().del(GatewayKeys.loginFailuresFrom("127.0.0.1"));
  }
}
