package dev.aicoder.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Single sign-on configured, but its provider is down: the gateway starts and says so. */
@QuarkusTest
@TestProfile(SingleSignOnProviderDownTest.ProviderDown.class)
@QuarkusTestResource(LocalRedisResource.class)
class SingleSignOnProviderDownTest {

  /** Nothing listens on port 1. */
  public static class ProviderDown implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "aicoder.gateway.sso.enabled", "true",
          "quarkus.oidc.auth-server-url", "http://127.0.0.1:1/realms/down",
          "quarkus.oidc.credentials.secret", "a-client-secret-of-at-least-32-characters");
    }
  }

  @Test
  void theSignInPageIsToldWhyAndPasswordsStillWork() {
    Response sso = given().redirects().follow(false).get("/api/auth/sso");
    assertThat(sso.statusCode()).isEqualTo(303);
    String location = sso.header("Location");
    assertThat(location).startsWith("/#sso-error=");
    assertThat(URLDecoder.decode(location.substring(12), StandardCharsets.UTF_8))
        .isEqualTo(SingleSignOnFailures.REASON);
    assertThat(Api.adminToken()).isNotBlank();
  }
}
