package dev.aicoder.auth;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Issues and verifies the access tokens (RS256 JWTs) of AI-Coder users. */
public final class Tokens {

  /** The {@code iss} of every token; a token from any other issuer is refused. */
  public static final String ISSUER = "ai-coder";

  private final DefaultJWTParser parser;

  /** A verifier for tokens signed by {@code key}. */
  public Tokens(SigningKey key) {
    JWTAuthContextInfo info = new JWTAuthContextInfo(key.publicKey(), ISSUER);
    info.setClockSkew(5);
    this.parser = new DefaultJWTParser(info);
  }

  /** A new token for {@code user}, valid for {@code lifetime} from {@code now}. */
  public static String issue(
      SigningKey key, String user, Set<String> roles, Duration lifetime, Instant now) {
    return Jwt.issuer(ISSUER)
        .subject(user)
        .upn(user)
        .groups(roles)
        .claim("jti", UUID.randomUUID().toString())
        .issuedAt(now.getEpochSecond())
        .expiresAt(now.plus(lifetime).getEpochSecond())
        .jws()
        .keyId(key.id())
        .sign(key.privateKey());
  }

  /** The claims of a valid token; expiry, issuer and signature are checked. */
  public TokenClaims verify(String token) throws InvalidTokenException {
    try {
      JsonWebToken jwt = parser.parse(token);
      if (jwt.getSubject() == null || jwt.getTokenID() == null) {
        throw new InvalidTokenException("The token has no subject or id", null);
      }
      return new TokenClaims(
          jwt.getSubject(),
          jwt.getTokenID(),
          Set.copyOf(jwt.getGroups()),
          jwt.getExpirationTime() * 1000);
    } catch (ParseException | RuntimeException e) {
      throw new InvalidTokenException("The token is invalid or expired", e);
    }
  }
}
