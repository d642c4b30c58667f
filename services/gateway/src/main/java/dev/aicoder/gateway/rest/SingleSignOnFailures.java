package dev.aicoder.gateway.rest;

import dev.aicoder.common.ProblemException;
import io.quarkus.logging.Log;
import io.quarkus.oidc.OIDCException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * When single sign-on cannot even start — the identity provider is down or misconfigured — the
 * browser goes back to the sign-in page with the reason, instead of a bare 500 page; password
 * sign-in keeps working meanwhile.
 */
public class SingleSignOnFailures {

  static final String REASON =
      "The identity provider cannot be reached; try again later, or sign in with a password.";

  void register(@Observes Router router) {
    router.route("/api/auth/sso").failureHandler(this::handle);
  }

  private void handle(RoutingContext rc) {
    if (!ProblemException.causedBy(rc.failure(), OIDCException.class)
        || rc.response().headWritten()) {
      rc.next();
      return;
    }
    Log.warnf("Single sign-on failed: %s", rc.failure().getMessage());
    rc.response()
        .setStatusCode(303)
        .putHeader("Location", "/#sso-error=" + URLEncoder.encode(REASON, StandardCharsets.UTF_8))
        .end();
  }
}
