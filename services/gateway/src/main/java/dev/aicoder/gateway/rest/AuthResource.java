package dev.aicoder.gateway.rest;

import dev.aicoder.auth.InvalidTokenException;
import dev.aicoder.auth.TokenClaims;
import dev.aicoder.auth.Tokens;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.Account;
import dev.aicoder.gateway.Team;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.security.Caller;
import dev.aicoder.gateway.security.LoginThrottle;
import dev.aicoder.gateway.security.SecurityCounters;
import dev.aicoder.gateway.security.SecurityCounters.Reason;
import dev.aicoder.gateway.security.SigningKeys;
import dev.aicoder.gateway.service.AccountStore;
import dev.aicoder.gateway.service.AdminBootstrap;
import dev.aicoder.gateway.service.UserSessions;
import io.quarkus.logging.Log;
import io.quarkus.oidc.IdToken;
import io.quarkus.oidc.OidcSession;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Sign-in (password or single sign-on), sign-out and who the caller is. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

  /** Set by the browser tab that starts single sign-on; echoed as {@code &state=} in the answer. */
  static final String SSO_STATE_COOKIE = "aicoder_sso_state";

  /** A sign-in request. */
  @RegisterForReflection
  public record Login(String username, String password) {}

  /** A signed-in session. */
  @RegisterForReflection
  public record Session(String token, long expiresAt, String username, String role) {}

  /** The caller, their role and teams, and the model the assistant answers with. */
  @RegisterForReflection
  public record Me(
      String username, String role, List<Team> teams, long tokenExpiresAt, String model) {}

  private final AccountStore accounts;
  private final AdminBootstrap bootstrap;
  private final SigningKeys keys;
  private final Caller caller;
  private final SecurityCounters counters;
  private final GatewayConfig config;
  private final OidcSession oidcSession;
  private final LoginThrottle throttle;
  private final UserSessions sessions;

  /** The identity provider's ID token, on /api/auth/sso only (a field: the qualifier needs one). */
  @Inject @IdToken JsonWebToken idToken;

  AuthResource(
      AccountStore accounts,
      AdminBootstrap bootstrap,
      SigningKeys keys,
      Caller caller,
      SecurityCounters counters,
      GatewayConfig config,
      OidcSession oidcSession,
      LoginThrottle throttle,
      UserSessions sessions) {
    this.sessions = sessions;
    this.throttle = throttle;
    this.oidcSession = oidcSession;
    this.accounts = accounts;
    this.bootstrap = bootstrap;
    this.keys = keys;
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
    String throttled = username.length() > 64 ? "too-long" : username;
    throttle.reserve(throttled, caller.ip());
    Account account = accounts.verify(username, login.password()).orElse(null);
    if (account == null) {
      counters.count(Reason.LOGIN_FAILED);
      Log.infof("Failed sign-in for %s from %s", username, caller.ip());
      throw new NotAuthorizedException("Wrong user name or password.", "Bearer");
    }
    throttle.succeeded(throttled, caller.ip());
    if (accounts.isDisabled(account.username())) {
      Log.infof("Refused sign-in of disabled %s from %s", account.username(), caller.ip());
      throw AccountStore.disabled(account.username());
    }
    Session session = session(account);
    Log.infof("%s signed in from %s", account.username(), caller.ip());
    return Response.ok(session).build();
  }

  @GET
  @Path("auth/methods")
  @Operation(summary = "How users can sign in: password, and single sign-on when configured")
  public Map<String, Object> methods() {
    return Map.of("password", true, "singleSignOn", config.sso().enabled());
  }

  @GET
  @Path("auth/sso")
  @Operation(
      summary =
          "Single sign-on: runs the OpenID Connect code flow with the identity provider, then"
              + " returns to the app with a bearer token in the URL fragment (#sso=...), or"
              + " with the reason it was refused (#sso-error=...)")
  public Response singleSignOn(@CookieParam(SSO_STATE_COOKIE) String state) {
    if (!config.sso().enabled()) {
      throw new ProblemException(
          404,
          "sso-not-configured",
          "Not Found",
          "Single sign-on is not configured here; sign in with a user name and password.");
    }
    // The provider's session cookie is not needed once our own token is issued.
    Object claim = idToken.getClaim(config.sso().usernameClaim());
    Set<String> groups = idToken.getGroups() == null ? Set.of() : idToken.getGroups();
    oidcSession.logout().await().atMost(Duration.ofSeconds(5));
    String fragment;
    try {
      Account account = ssoAccount(claim, groups);
      Session session = session(account);
      Log.infof("%s signed in through single sign-on from %s", account.username(), caller.ip());
      fragment =
          "sso="
              + session.token()
              + "&username="
              + session.username()
              + "&role="
              + session.role()
              + "&expiresAt="
              + session.expiresAt();
    } catch (ProblemException | ClientErrorException e) {
      // Back to the sign-in page, which shows why.
      Log.infof("Single sign-on refused from %s: %s", caller.ip(), e.getMessage());
      fragment = "sso-error=" + URLEncoder.encode(e.getMessage(), StandardCharsets.UTF_8);
    }
    // The tab that started the sign-on accepts the fragment only with its own one-time state.
    if (state != null && state.matches("[A-Za-z0-9_-]{16,128}")) {
      fragment += "&state=" + state;
    }
    return Response.seeOther(URI.create("/#" + fragment))
        .cookie(
            new NewCookie.Builder(SSO_STATE_COOKIE)
                .path("/api/auth/sso")
                .value("")
                .maxAge(0)
                .sameSite(NewCookie.SameSite.LAX)
                .build())
        .build();
  }

  /** The account of the provider's user: a usable name is required, then see AccountStore. */
  private Account ssoAccount(Object claim, Set<String> groups) {
    if (!(claim instanceof String name) || name.isBlank()) {
      throw new ProblemException(
          403,
          "sso-no-username",
          "Forbidden",
          "The identity provider sent no '" + config.sso().usernameClaim() + "' claim.");
    }
    String username = name.strip().toLowerCase(Locale.ROOT);
    Boolean admin = config.sso().adminGroup().map(groups::contains).orElse(null);
    try {
      return accounts.singleSignOn(username, admin);
    } catch (BadRequestException e) {
      throw new ProblemException(
          403,
          "sso-bad-username",
          "Forbidden",
          "The identity provider's user name '"
              + username
              + "' is not usable here. "
              + e.getMessage());
    }
  }

  /**
   * A new token, remembered so that an admin can end it. Checked again after it is remembered: an
   * admin disabling the user meanwhile either sees the token or is seen here.
   */
  private Session session(Account account) {
    Duration lifetime = config.auth().tokenLifetime();
    Instant now = Instant.now();
    String token =
        Tokens.issue(
            keys.current().key(), account.username(), Set.of(account.role()), lifetime, now);
    try {
      sessions.issued(keys.current().tokens().verify(token));
    } catch (InvalidTokenException e) {
      throw new IllegalStateException("A token just issued does not verify", e);
    }
    if (accounts.isDisabled(account.username())) {
      sessions.endAll(account.username());
      throw AccountStore.disabled(account.username());
    }
    return new Session(
        token, now.plus(lifetime).toEpochMilli(), account.username(), account.role());
  }

  @POST
  @Path("auth/logout")
  @Operation(summary = "Sign out: the token stops working on every replica and on chat")
  public Response logout() {
    sessions.revoke(caller.claims());
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
        claims.expiresAtMs(),
        config.model());
  }
}
