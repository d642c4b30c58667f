package dev.aicoder.fakellm;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.auth.SigningKey;
import dev.aicoder.auth.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Access tokens for tests and benchmarks that run chat-websocket without the gateway: a signing key
 * of this JVM, published in Redis the way the gateway publishes its own, and tokens signed with it.
 */
public final class TestTokens {

  private static final SigningKey KEY = SigningKey.generate(System.currentTimeMillis());

  private TestTokens() {}

  /** Stores this JVM's key as the signing key in the Redis at {@code host:port}. */
  public static void publish(String host, int port) {
    List<String> command = new ArrayList<>(List.of("HSET", AuthKeys.SIGNING_KEY));
    KEY.toFields()
        .forEach(
            (field, value) -> {
              if (!field.equals("private")) {
                command.add(field);
                command.add(value);
              }
            });
    send(host, port, command);
  }

  /** Signs a token out, as the gateway's sign-out does. */
  public static void revoke(String host, int port, String token) {
    try {
      String id = new Tokens(KEY).verify(token).tokenId();
      send(host, port, List.of("SET", AuthKeys.revoked(id), "test", "EX", "3600"));
    } catch (dev.aicoder.auth.InvalidTokenException e) {
      throw new IllegalArgumentException("Not a token of this key", e);
    }
  }

  /** A token for {@code user} valid for {@code lifetime} from now. */
  public static String lasting(String user, Duration lifetime) {
    return Tokens.issue(KEY, user, Set.of("member"), lifetime, Instant.now());
  }

  /** A token for {@code user} that expired a minute ago. */
  public static String expired(String user) {
    return Tokens.issue(
        KEY, user, Set.of("member"), Duration.ofSeconds(1), Instant.now().minusSeconds(61));
  }

  private static void send(String host, int port, List<String> command) {
    try (Socket socket = new Socket(host, port)) {
      OutputStream out = socket.getOutputStream();
      StringBuilder resp = new StringBuilder("*" + command.size() + "\r\n");
      for (String part : command) {
        resp.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        resp.append(part).append("\r\n");
      }
      out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      if (first == '-' || first < 0) {
        throw new IllegalStateException("Redis refused " + command.get(0));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish the test signing key to Redis", e);
    }
  }

  /** A one-hour token for {@code user}. */
  public static String of(String user) {
    return Tokens.issue(KEY, user, Set.of("member"), Duration.ofHours(1), Instant.now());
  }
}
