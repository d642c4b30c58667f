package dev.aicoder.gateway.security;

import dev.aicoder.common.Resources;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.security.SecurityCounters.Reason;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Limits password guessing without letting anyone lock an owner out. Each attempt is reserved in
 * Redis atomically before the password is checked (so a parallel burst gets no more tries than a
 * serial one). An address that fails too often waits out the login window; an account that fails
 * too often takes one attempt per short, doubling delay, capped so its owner signs in at most
 * {@code login-max-delay} after the attack stops.
 */
@ApplicationScoped
public class LoginThrottle {

  private static final String SCRIPT = Resources.text("/lua/login-attempt.lua");

  private final RedisDataSource redis;
  private final SecurityCounters counters;
  private final GatewayConfig.Limits limits;

  LoginThrottle(RedisDataSource redis, SecurityCounters counters, GatewayConfig config) {
    this.redis = redis;
    this.counters = counters;
    this.limits = config.limits();
  }

  /** Reserves an attempt for this user name from this address, or refuses with 429. */
  public void reserve(String username, String ip) {
    Response answer =
        redis.execute(
            "EVAL",
            SCRIPT,
            "3",
            GatewayKeys.loginFailures(username),
            GatewayKeys.loginDelay(username),
            GatewayKeys.loginFailuresFrom(ip),
            Integer.toString(limits.loginFailures()),
            // One address may fail for several users (a shared office NAT), so it gets more tries.
            Integer.toString(4 * limits.loginFailures()),
            Long.toString(limits.loginWindow().toSeconds()),
            Long.toString(limits.loginDelay().toMillis()),
            Long.toString(limits.loginMaxDelay().toMillis()));
    String verdict = answer.get(0).toString();
    if (!verdict.equals("ok")) {
      counters.count(Reason.LOGIN_THROTTLED);
      long seconds = Math.max(1, (answer.get(1).toLong() + 999) / 1000);
      String detail =
          verdict.equals("ip")
              ? "Too many failed sign-ins from this address."
              : "Too many failed sign-ins for this account; it takes one try every few seconds.";
      throw Authenticator.tooManyRequests(seconds, detail);
    }
  }

  /** The attempt was right: the user's count starts over and the address gets its try back. */
  public void succeeded(String username, String ip) {
    redis.key().del(GatewayKeys.loginFailures(username), GatewayKeys.loginDelay(username));
    redis.value(Long.class).decr(GatewayKeys.loginFailuresFrom(ip));
  }
}
