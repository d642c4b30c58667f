package dev.aicoder.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal OpenID Connect provider for tests: discovery, a JWKS, an authorization endpoint that
 * signs in whoever the test names ({@code user} and {@code groups} added to the authorization URL)
 * and a token endpoint that checks the client's secret and returns an RS256 ID token. The user
 * travels inside the code, so the provider keeps no state.
 */
public class FakeIdentityProvider implements QuarkusTestResourceLifecycleManager {

  public static final String CLIENT_ID = "ai-coder";
  public static final String CLIENT_SECRET = "a-client-secret-of-at-least-32-characters";

  private HttpServer server;
  private KeyPair keys;
  private String base;

  @Override
  public Map<String, String> start() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      keys = generator.generateKeyPair();
      server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    base = "http://localhost:" + server.getAddress().getPort();
    server.createContext("/.well-known/openid-configuration", this::discovery);
    server.createContext("/jwks", this::jwks);
    server.createContext("/authorize", this::authorize);
    server.createContext("/token", this::token);
    server.start();
    return Map.of(
        "aicoder.gateway.sso.enabled", "true",
        "aicoder.gateway.sso.admin-group", "ai-coder-admins",
        "quarkus.oidc.auth-server-url", base,
        "quarkus.oidc.client-id", CLIENT_ID,
        "quarkus.oidc.credentials.secret", CLIENT_SECRET);
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private void discovery(HttpExchange exchange) throws IOException {
    json(
        exchange,
        200,
        """
        {"issuer": "%1$s", "authorization_endpoint": "%1$s/authorize",
         "token_endpoint": "%1$s/token", "jwks_uri": "%1$s/jwks",
         "response_types_supported": ["code"], "subject_types_supported": ["public"],
         "id_token_signing_alg_values_supported": ["RS256"]}"""
            .formatted(base));
  }

  private void jwks(HttpExchange exchange) throws IOException {
    RSAPublicKey key = (RSAPublicKey) keys.getPublic();
    json(
        exchange,
        200,
        """
        {"keys": [{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256", "n": "%s", "e": "%s"}]}"""
            .formatted(
                unsigned(key.getModulus().toByteArray()),
                unsigned(key.getPublicExponent().toByteArray())));
  }

  /** Signs in the user named in the URL and sends the browser back with a code. */
  private void authorize(HttpExchange exchange) throws IOException {
    Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
    String user = query.getOrDefault("user", "nobody") + "|" + query.getOrDefault("groups", "");
    String code =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(user.getBytes(StandardCharsets.UTF_8));
    String location = query.get("redirect_uri") + "?code=" + code + "&state=" + query.get("state");
    exchange.getResponseHeaders().add("Location", location);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private void token(HttpExchange exchange) throws IOException {
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    Map<String, String> body =
        form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    boolean clientOk =
        basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))
            || CLIENT_SECRET.equals(body.get("client_secret"));
    if (!clientOk || !"authorization_code".equals(body.get("grant_type"))) {
      json(exchange, 401, "{\"error\": \"invalid_client\"}");
      return;
    }
    String[] user =
        new String(Base64.getUrlDecoder().decode(body.get("code")), StandardCharsets.UTF_8)
            .split("\\|", -1);
    List<String> groups = user[1].isEmpty() ? List.of() : Arrays.asList(user[1].split(","));
    String idToken =
        Jwt.issuer(base)
            .audience(CLIENT_ID)
            .subject("sub-" + user[0])
            .claim("preferred_username", user[0])
            .groups(new java.util.HashSet<>(groups))
            .expiresIn(300)
            .jws()
            .keyId("k1")
            .sign(keys.getPrivate());
    json(
        exchange,
        200,
        """
        {"access_token": "%s", "id_token": "%s", "token_type": "Bearer", "expires_in": 300}"""
            .formatted(idToken, idToken));
  }

  private static String unsigned(byte[] bytes) {
    byte[] trimmed = bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(trimmed);
  }

  private static Map<String, String> form(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  private static void json(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
