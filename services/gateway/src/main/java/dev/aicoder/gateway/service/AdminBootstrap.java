package dev.aicoder.gateway.service;

import dev.aicoder.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes sure the first admin exists. In prod the admin must be configured (AI_CODER_ADMIN_USER,
 * AI_CODER_ADMIN_PASSWORD) or the gateway refuses to start; in dev, with none configured, one is
 * created with a random password that is logged once.
 */
@ApplicationScoped
public class AdminBootstrap {

  private final AccountStore accounts;
  private final GatewayConfig.Auth auth;

  /** Once an admin is known to exist, sign-ins stop scanning the accounts for one. */
  private boolean adminFound;

  AdminBootstrap(AccountStore accounts, GatewayConfig config) {
    this.accounts = accounts;
    this.auth = config.auth();
  }

  void onStart(@Observes StartupEvent event) {
    if (LaunchMode.current() == LaunchMode.NORMAL
        && (auth.adminUser().isEmpty() || auth.adminPassword().isEmpty())) {
      throw new IllegalStateException(
          "No admin configured: set AI_CODER_ADMIN_USER and AI_CODER_ADMIN_PASSWORD (8+"
              + " characters) to start the gateway.");
    }
    try {
      ensureAdmin();
    } catch (RuntimeException e) {
      // Redis may be down at start; the next sign-in tries again.
      Log.warnf("Could not check the admin account yet: %s", e.getMessage());
    }
  }

  /**
   * Creates the configured (or, in dev, a generated) admin if no such account exists. Called on
   * each sign-in too, so an admin lost with a wiped Redis comes back.
   */
  public synchronized void ensureAdmin() {
    if (auth.adminUser().isPresent() && auth.adminPassword().isPresent()) {
      String user = auth.adminUser().get();
      if (accounts.find(user).isEmpty()) {
        accounts.create(user, auth.adminPassword().get(), "admin");
        Log.infof("Created the admin account %s from AI_CODER_ADMIN_USER", user);
      }
    } else if (!adminFound) {
      adminFound = accounts.anyAdmin();
      if (!adminFound) {
        String password = randomPassword();
        accounts.create("admin", password, "admin");
        adminFound = true;
        Log.warnf(
            "No admin configured: created user 'admin' with password %s (shown once; set"
                + " AI_CODER_ADMIN_USER and AI_CODER_ADMIN_PASSWORD to choose your own)",
            password);
      }
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
