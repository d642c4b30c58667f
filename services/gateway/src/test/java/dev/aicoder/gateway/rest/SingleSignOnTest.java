package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.aicoder.gateway.Api;
import dev.aicoder.gateway.FakeIdentityProvider;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Single sign-on against a real (fake) OpenID Connect provider over HTTP, as a browser would. */
@QuarkusTest
@TestProfile(SingleSignOnTest.WithProvider.class)
@QuarkusTestResource(LocalRedisResource.class)
class SingleSignOnTest {

  /** The provider is started for this profile only; other tests run with SSO off. */
  public static class WithProvider implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(FakeIdentityProvider.class));
    }
  }

  @TestHTTPResource("/api/auth/sso")
  URI sso;

  @Test
  void aProviderUserSignsInAndGetsAGatewayToken() throws Exception {
    // Without the provider's session, the route starts the code flow instead of answering.
    var anonymous = given().redirects().follow(false).get("/api/auth/sso");
    assertThat(anonymous.statusCode()).isEqualTo(302);
    assertThat(anonymous.header("Location")).contains("/authorize?").contains("client_id=ai-coder");
    assertThat(given().get("/api/auth/methods").jsonPath().getBoolean("singleSignOn")).isTrue();
    String name = "sso-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> session = signIn(name, "");
    assertThat(session).containsEntry("username", name).containsEntry("role", "member");
    var me = as(session.get("sso")).get("/api/me");
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.jsonPath().getString("username")).isEqualTo(name);
    // A second sign-in reaches the same account.
    assertThat(signIn(name, "")).containsEntry("username", name);
    // The token can sign out like any other.
    as(session.get("sso")).post("/api/auth/logout").then().statusCode(204);
    as(session.get("sso")).get("/api/me").then().statusCode(401);
  }

  @Test
  void theProvidersAdminGroupMakesAnAdmin() throws Exception {
    String name = "boss-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> session = signIn(name, "staff,ai-coder-admins");
    assertThat(session).containsEntry("role", "admin");
    as(session.get("sso"))
        .contentType(io.restassured.http.ContentType.JSON)
        .body(Map.of("name", "made by " + name))
        .post("/api/admin/teams")
        .then()
        .statusCode(201);
    var status = as(session.get("sso")).get("/api/security/status").jsonPath();
    assertThat(status.getString("authMode")).isEqualTo("password+oidc+jwt");
    assertThat(status.getString("singleSignOn.adminGroup")).isEqualTo("ai-coder-admins");
    assertThat(status.getString("singleSignOn.issuer")).startsWith("http://localhost:");
  }

  @Test
  void aPasswordAccountIsNeverTakenOver() throws Exception {
    assertThat(refusal("admin")).contains("A password account named admin exists");
    assertThat(refusal("Not A Name!")).contains("'not a name!' is not usable here");
    // Nothing was created for the refused name.
    as(Api.adminToken()).get("/api/me").then().statusCode(200).body("role", equalTo("admin"));
  }

  /** Issue 18: admins manage single sign-on users in the app, except for their password. */
  @Test
  void anAdminManagesSingleSignOnUsersButNotTheirPassword() throws Exception {
    String name = "sso-" + UUID.randomUUID().toString().substring(0, 8);
    String token = signIn(name, "").get("sso");
    String admin = Api.adminToken();
    var users = as(admin).get("/api/admin/users").jsonPath();
    assertThat(users.getBoolean("find { it.username == '" + name + "' }.singleSignOn")).isTrue();
    as(admin)
        .contentType(io.restassured.http.ContentType.JSON)
        .body(Map.of("password", "a-new-password"))
        .put("/api/admin/users/" + name + "/password")
        .then()
        .statusCode(409)
        .body("type", equalTo("/problems/single-sign-on-user"));

    // A role given in the app stays: the provider only decides who is an admin.
    as(admin)
        .contentType(io.restassured.http.ContentType.JSON)
        .body(Map.of("role", "lead"))
        .patch("/api/admin/users/" + name)
        .then()
        .statusCode(200);
    as(token).get("/api/me").then().statusCode(401);
    assertThat(signIn(name, "")).containsEntry("role", "lead");

    as(admin)
        .contentType(io.restassured.http.ContentType.JSON)
        .body(Map.of("disabled", true))
        .patch("/api/admin/users/" + name)
        .then()
        .statusCode(200);
    assertThat(refusal(name)).contains("is disabled");
  }

  /** The reason the sign-in page is sent back with (#sso-error=...). */
  private String refusal(String user) throws Exception {
    HttpResponse<String> last = flow(user, "");
    assertThat(last.statusCode()).isEqualTo(303);
    String location = last.headers().firstValue("Location").orElseThrow();
    assertThat(location).contains("/#sso-error=").doesNotContain("sso=ey");
    return URLDecoder.decode(location.substring(location.indexOf('=') + 1), StandardCharsets.UTF_8);
  }

  /** Runs the browser's side of the code flow; returns the fields of the URL fragment. */
  private Map<String, String> signIn(String user, String groups) throws Exception {
    HttpResponse<String> last = flow(user, groups);
    assertThat(last.statusCode()).as(last.body()).isEqualTo(303);
    String location = last.headers().firstValue("Location").orElseThrow();
    assertThat(location).contains("/#sso=");
    Map<String, String> fields = new HashMap<>();
    for (String pair : location.substring(location.indexOf('#') + 1).split("&")) {
      String[] kv = pair.split("=", 2);
      fields.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return fields;
  }

  /** Follows redirects by hand, naming the user at the provider; the gateway's last answer. */
  private HttpResponse<String> flow(String user, String groups) throws Exception {
    return flow(user, groups, new CookieManager());
  }

  private HttpResponse<String> flow(String user, String groups, CookieManager cookies)
      throws Exception {
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    URI next = sso;
    for (int hop = 0; hop < 8; hop++) {
      HttpResponse<String> response =
          browser.send(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
      String location = response.headers().firstValue("Location").orElse(null);
      if (response.statusCode() / 100 != 3 || location == null || location.contains("/#")) {
        return response;
      }
      URI target = next.resolve(location);
      if (target.getPath().equals("/authorize")) {
        String who =
            "&user="
                + java.net.URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&groups="
                + groups;
        assertThat(target.getRawQuery()).contains("client_id=ai-coder").contains("state=");
        target = URI.create(target + who);
      }
      next = target;
    }
    throw new AssertionError("Too many redirects");
  }

  /** Issue 11: the fragment carries the one-time state of the tab that started the sign-on. */
  @Test
  void theFragmentEchoesTheStateOfTheTabThatStartedIt() throws Exception {
    String state = UUID.randomUUID().toString();
    CookieManager cookies = new CookieManager();
    HttpCookie cookie = new HttpCookie("aicoder_sso_state", state);
    cookie.setPath("/api/auth/sso");
    cookie.setVersion(0);
    cookies.getCookieStore().add(sso, cookie);
    String name = "sso-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> last = flow(name, "", cookies);
    String location = last.headers().firstValue("Location").orElseThrow();
    assertThat(location).contains("/#sso=").endsWith("&state=" + state);
    assertThat(last.headers().allValues("Set-Cookie"))
        .anySatisfy(c -> assertThat(c).startsWith("aicoder_sso_state=;").contains("Max-Age=0"));

    // Without the cookie (a link someone else made), the answer carries no state to accept.
    String other = flow(name, "", new CookieManager()).headers().firstValue("Location").get();
    assertThat(other).contains("/#sso=").doesNotContain("state=");
  }
}
