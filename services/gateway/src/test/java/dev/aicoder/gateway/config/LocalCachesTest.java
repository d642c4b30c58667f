package dev.aicoder.gateway.config;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The in-process caches hold to their bounds through real requests (each set to 2 here): past it
 * they evict, and Prometheus shows each by name with its hits, misses, evictions and size.
 */
@QuarkusTest
@TestProfile(LocalCachesTest.SmallCaches.class)
@QuarkusTestResource(LocalRedisResource.class)
class LocalCachesTest {

  static final int BOUND = 2;

  /** Every cache bounded at {@link #BOUND} entries. */
  public static class SmallCaches implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "aicoder.gateway.caches.token-checks", Integer.toString(BOUND),
          "aicoder.gateway.caches.revocations", Integer.toString(BOUND),
          "aicoder.gateway.caches.workspaces", Integer.toString(BOUND),
          "aicoder.gateway.caches.memberships", Integer.toString(BOUND),
          // Room for one of the two test assets' compressed copies (about 40 bytes each).
          "aicoder.gateway.caches.precompressed-assets", "60");
    }
  }

  @Test
  void verifiedTokensStayWithinTheirBound() {
    String again = Api.adminToken();
    Api.as(again).get("/api/me").then().statusCode(200);
    Api.as(again).get("/api/me").then().statusCode(200);
    for (int i = 0; i < 3 * BOUND; i++) {
      Api.as(Api.adminToken()).get("/api/me").then().statusCode(200);
    }
    assertEvictedWithinBound("token-checks");
    assertThat(metric("cache_gets_total", "token-checks", "result=\"hit\"")).isPositive();
    assertThat(metric("cache_gets_total", "token-checks", "result=\"miss\"")).isPositive();
  }

  @Test
  void aSignedOutTokenStaysRefusedAfterItsRevocationIsEvicted() {
    String signedOut = Api.adminToken();
    Api.as(signedOut).get("/api/me").then().statusCode(200);
    Api.as(signedOut).post("/api/auth/logout").then().statusCode(204);
    for (int i = 0; i < 3 * BOUND; i++) {
      Api.as(Api.adminToken()).get("/api/me").then().statusCode(200);
    }
    assertEvictedWithinBound("token-revocations");
    Api.as(signedOut).get("/api/me").then().statusCode(401);
  }

  @Test
  void workspacesAndMembershipsStayWithinTheirBounds() {
    String[] members = new String[3 * BOUND];
    for (int i = 0; i < members.length; i++) {
      members[i] = Api.newMember("cached");
    }
    String team = Api.newTeam(members);
    for (String member : members) {
      String file = "/api/workspaces/" + Api.newWorkspace(member, team) + "/file?path=a.txt";
      Api.as(member).contentType("text/plain").body("hi").put(file).then().statusCode(201);
      Api.as(member).get(file).then().statusCode(200).body(equalTo("hi"));
    }
    assertEvictedWithinBound("workspaces");
    assertEvictedWithinBound("workspace-folders");
    assertEvictedWithinBound("memberships");
    // What was evicted is looked up again: the first member still reads their workspace.
    String first = members[0];
    String id = Api.as(first).get("/api/workspaces").then().extract().path("[0].id");
    Api.as(first).get("/api/workspaces/" + id + "/file?path=a.txt").then().body(equalTo("hi"));
  }

  @Test
  void precompressedAssetsStayWithinTheirBytes() {
    for (int i = 0; i < 3; i++) {
      for (String asset : new String[] {"/assets/app-test.js", "/assets/app-test.css"}) {
        given()
            .header("Accept-Encoding", "gzip")
            .get(asset)
            .then()
            .statusCode(200)
            .header("Content-Encoding", "gzip")
            .body(containsString(asset.endsWith(".js") ? "console.log" : "color"));
      }
    }
    assertEvictedWithinBound("precompressed-assets", 1);
  }

  static void assertEvictedWithinBound(String cache) {
    assertEvictedWithinBound(cache, BOUND);
  }

  /** Waits for the cache's background maintenance to evict down to the bound. */
  static void assertEvictedWithinBound(String cache, int bound) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(metric("cache_evictions_total", cache, "")).as(cache).isPositive();
              assertThat(metric("cache_size", cache, "")).as(cache).isBetween(0.0, (double) bound);
            });
  }

  /** The sum of a metric's samples for one cache (and, if given, one more label). */
  static double metric(String name, String cache, String label) {
    String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(text);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      if (m.group(1).contains("cache=\"" + cache + "\"") && m.group(1).contains(label)) {
        sum += Double.parseDouble(m.group(2));
        found = true;
      }
    }
    assertThat(found).as(name + " of cache " + cache + " at /q/metrics").isTrue();
    return sum;
  }
}
