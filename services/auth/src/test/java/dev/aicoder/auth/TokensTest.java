package dev.aicoder.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {

  private static final SigningKey KEY = SigningKey.generate(0);

  @Test
  void aTokenCarriesItsUserRolesAndExpiry() throws Exception {
    Instant now = Instant.now();
    String token = Tokens.issue(KEY, "alice", Set.of("member"), Duration.ofMinutes(5), now);

    TokenClaims claims = new Tokens(KEY).verify(token);

    assertThat(claims.user()).isEqualTo("alice");
    assertThat(claims.roles()).containsExactly("member");
    assertThat(claims.tokenId()).isNotBlank();
    assertThat(claims.expiresAtMs()).isEqualTo(now.plusSeconds(300).getEpochSecond() * 1000);
  }

  @Test
  void anExpiredTokenIsRefused() {
    String token =
        Tokens.issue(KEY, "alice", Set.of(), Duration.ofSeconds(1), Instant.now().minusSeconds(60));
    assertThatThrownBy(() -> new Tokens(KEY).verify(token))
        .isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void aTokenSignedByAnotherKeyOrTamperedWithIsRefused() {
    String foreign =
        Tokens.issue(
            SigningKey.generate(0), "alice", Set.of(), Duration.ofMinutes(5), Instant.now());
    assertThatThrownBy(() -> new Tokens(KEY).verify(foreign))
        .isInstanceOf(InvalidTokenException.class);

    String token = Tokens.issue(KEY, "alice", Set.of(), Duration.ofMinutes(5), Instant.now());
    String[] parts = token.split("\\.");
    String forged =
        parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
    assertThatThrownBy(() -> new Tokens(KEY).verify(forged))
        .isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> new Tokens(KEY).verify("not-a-jwt"))
        .isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void theStoredFormRoundTrips() throws Exception {
    SigningKey verifyOnly = SigningKey.fromFields(KEY.toFields(), false);
    assertThat(verifyOnly.privateKey()).isNull();
    String token = Tokens.issue(KEY, "bob", Set.of("admin"), Duration.ofMinutes(1), Instant.now());
    assertThat(new Tokens(verifyOnly).verify(token).isAdmin()).isTrue();
    assertThat(SigningKey.fromFields(KEY.toFields(), true).privateKey())
        .isEqualTo(KEY.privateKey());
  }
}
