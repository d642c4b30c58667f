package dev.aicoder.gateway.proxy;

import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.security.AuthFilter;
import dev.aicoder.gateway.security.Authenticator;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Refuses a {@code /ws/chat} handshake whose access token is missing, invalid, signed out or over
 * its rate limit, before the proxy opens anything to chat-websocket: an anonymous client costs the
 * backend nothing.
 */
@ApplicationScoped
public class ChatUpgradeCheck implements HttpUpgradeCheck {

  private final Authenticator authenticator;

  ChatUpgradeCheck(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public Uni<CheckResult> perform(HttpUpgradeContext context) {
    String token = context.httpRequest().getParam("access_token");
    String ip = AuthFilter.clientAddress(context.httpRequest());
    return authenticator
        .admit("/ws/chat", ip, token == null ? null : "Bearer " + token)
        .onItem()
        .transformToUni(claims -> CheckResult.permitUpgrade())
        .onFailure(ProblemException.class)
        .recoverWithUni(
            e -> {
              int status = ((ProblemException) e).problem().status();
              Log.debugf("Refused a chat socket from %s: %s", ip, e.getMessage());
              return CheckResult.rejectUpgrade(status);
            });
  }
}
