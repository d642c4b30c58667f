package dev.aicoder.gateway.rest;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.auth.TokenClaims;
import dev.aicoder.auth.Tokens;
import dev.aicoder.gateway.Account;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.gateway.Team;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.security.Authenticator;
import dev.aicoder.gateway.security.Caller;
import dev.aicoder.gateway.security.RequestGate;
import dev.aicoder.gateway.security.SecurityCounters;
import dev.aicoder.gateway.security.SecurityCounters.Reason;
import dev.aicoder.gateway.security.SigningKeys;
import dev.aicoder.gateway.service.AccountStore;
import dev.aicoder.gateway.service.AdminBootstrap;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Sign-in, sign-out and who the caller is. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

  /** A sign-in request. */
  public record Login(String username, String password) {}

  /** A signed-in session. */
  public record Session(String token, long expiresAt, String username, String role) {}

  /** The caller, their role and teams. */
  public record Me(String username, String role, List<Team> teams, long tokenExpiresAt) {}

  private final AccountStore accounts;
  private final AdminBootstrap bootstrap;
  private final SigningKeys keys;
  private final RedisDataSource redis;
  private final Caller caller;
  private final SecurityCounters counters;
  private final GatewayConfig config;
  private final RequestGate gate;

  AuthResource(
      AccountStore accounts,
      AdminBootstrap bootstrap,
      SigningKeys keys,
      RedisDataSource redis,
      Caller caller,
      SecurityCounters counters,
      GatewayConfig config,
      RequestGate gate) {
    this.gate = gate;
    this.accounts = accounts;
    this.bootstrap = bootstrap;
    this.keys = keys;
    this.redis = redis;
    this.caller = caller;
    this.counters = counters;
    this.config = config;
  }

  @POST
  @Path("auth/login")
  @Operation(summary = "Sign in with a user name and password; returns a bearer token")
  public Response login(Login login) {
    if (login == null || login.username() == null || login.password() == null) {
      throw new BadRequestException("Send {\"username\": ..., \"password\": ...}.");
    }
    bootstrap.ensureAdmin();
    String username = login.username().strip().toLowerCase();
    String userKey = GatewayKeys.loginFailures(username.length() > 64 ? "too-long" : username);
    String ipKey = GatewayKeys.loginFailuresFrom(caller.ip());
    var values = redis.value(Long.class);
    // One address may fail for several users (a shared office NAT), so it gets more tries.
    int limit = config.limits().loginFailures();
    for (String key : List.of(userKey, ipKey)) {
      Long failures = values.get(key);
      if (failures != null && failures >= (key.equals(ipKey) ? 4L * limit : limit)) {
        counters.count(Reason.LOGIN_THROTTLED);
        long ttl = Math.max(1, redis.key().ttl(key));
        return Authenticator.tooManyRequests(ttl, "Too many failed sign-ins.").toResponse();
      }
    }
    Account account = accounts.verify(username, login.password()).orElse(null);
    if (account == null) {
      long window = config.limits().loginWindow().toSeconds();
      for (String key : List.of(userKey, ipKey)) {
        values.incr(key);
        redis.key().expire(key, window);
      }
      counters.count(Reason.LOGIN_FAILED);
      Log.infof("Failed sign-in for %s from %s", username, caller.ip());
      throw new NotAuthorizedException("Wrong user name or password.", "Bearer");
    }
    redis.key().del(userKey);
    Duration lifetime = config.auth().tokenLifetime();
    Instant now = Instant.now();
    String token =
        Tokens.issue(
            keys.current().key(), account.username(), Set.of(account.role()), lifetime, now);
    Log.infof("%s signed in from %s", account.username(), caller.ip());
    return Response.ok(
            new Session(
                token, now.plus(lifetime).toEpochMilli(), account.username(), account.role()))
        .build();
  }

  @POST
  @Path("auth/logout")
  @Operation(summary = "Sign out: the token stops working on every replica and on chat")
  public Response logout() {
    TokenClaims claims = caller.claims();
    long ttlMs = Math.max(1000, claims.expiresAtMs() - System.currentTimeMillis() + 10_000);
    redis.value(String.class).psetex(AuthKeys.revoked(claims.tokenId()), ttlMs, claims.user());
    gate.revoked(claims);
    return Response.noContent().build();
  }

  @GET
  @Path("me")
  @Operation(summary = "The signed-in user, their role and teams")
  public Me me() {
    TokenClaims claims = caller.claims();
    Account account =
        accounts.find(claims.user()).orElseThrow(() -> new NotAuthorizedException("No such user."));
    return new Me(
        account.username(),
        account.role(),
        accounts.teamsOf(account.username()),
        claims.expiresAtMs());
  }
}
