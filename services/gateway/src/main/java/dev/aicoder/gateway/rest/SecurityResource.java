package dev.aicoder.gateway.rest;

import dev.aicoder.auth.SigningKey;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.security.Caller;
import dev.aicoder.gateway.security.SecurityCounters;
import dev.aicoder.gateway.security.SigningKeys;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** How the gateway is protected, for operators. Never a secret: no keys, hashes or passwords. */
@Path("/api/security/status")
@Produces(MediaType.APPLICATION_JSON)
public class SecurityResource {

  private final GatewayConfig config;
  private final SigningKeys keys;
  private final SecurityCounters counters;
  private final Caller caller;
  private final boolean corsEnabled;
  private final Optional<String> ssoIssuer;

  SecurityResource(
      GatewayConfig config,
      SigningKeys keys,
      SecurityCounters counters,
      Caller caller,
      @ConfigProperty(name = "quarkus.http.cors.enabled", defaultValue = "false")
          boolean corsEnabled,
      @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> ssoIssuer) {
    this.ssoIssuer = ssoIssuer;
    this.config = config;
    this.keys = keys;
    this.counters = counters;
    this.caller = caller;
    this.corsEnabled = corsEnabled;
  }

  @GET
  @Operation(summary = "Auth mode, token lifetime, TLS, limits, refused-request counters, key age")
  public Map<String, Object> status(@HeaderParam("X-Forwarded-Proto") String forwardedProto) {
    caller.claims(); // signed-in users only
    SigningKey key = keys.current().key();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("authMode", config.sso().enabled() ? "password+oidc+jwt" : "password+jwt");
    status.put(
        "singleSignOn",
        config.sso().enabled()
            ? Map.of(
                "protocol",
                "OpenID Connect (authorization code flow)",
                "issuer",
                ssoIssuer.orElse("unset"),
                "usernameClaim",
                config.sso().usernameClaim(),
                "adminGroup",
                config.sso().adminGroup().orElse("none"))
            : "not configured");
    status.put("tokenLifetimeSeconds", config.auth().tokenLifetime().toSeconds());
    status.put(
        "signingKey",
        Map.of(
            "algorithm",
            "RS256",
            "id",
            key.id(),
            "createdAt",
            key.createdAtMs(),
            "ageSeconds",
            (System.currentTimeMillis() - key.createdAtMs()) / 1000));
    status.put(
        "tls",
        Map.of(
            "inFront",
            config.tlsInFront(),
            "thisRequest",
            "https".equalsIgnoreCase(forwardedProto) ? "https" : "http"));
    var limits = config.limits();
    status.put(
        "rateLimits",
        Map.of(
            "requestsPerUser", limits.requestsPerUser(),
            "requestsPerIp", limits.requestsPerIp(),
            "windowSeconds", limits.window().toSeconds(),
            "loginFailuresBeforeThrottle", limits.loginFailures(),
            "loginWindowSeconds", limits.loginWindow().toSeconds()));
    status.put("cors", corsEnabled ? "enabled for configured origins" : "closed");
    status.put("refusedRequests", counters.totals());
    return status;
  }
}
