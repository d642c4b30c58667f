package dev.aicoder.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.auth.SigningKey;
import dev.aicoder.auth.Tokens;
import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11: with a mounted key the private half never reaches Redis. */
@QuarkusTest
@TestProfile(MountedSigningKeyTest.Mounted.class)
@QuarkusTestResource(LocalRedisResource.class)
class MountedSigningKeyTest {

  /** The key file a Kubernetes Secret would mount. */
  public static class Mounted implements QuarkusTestProfile {
    static final Path FILE = pem();

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.gateway.auth.signing-key-file", FILE.toString());
    }

    private static Path pem() {
      try {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String body =
            Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(rsa.generateKeyPair().getPrivate().getEncoded());
        Path file = Files.createTempFile("signing-key", ".pem");
        Files.writeString(
            file, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
        return file;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Inject RedisDataSource redis;

  @Test
  void tokensAreSignedWithTheMountedKeyAndRedisHoldsOnlyItsPublicHalf() throws Exception {
    String token = Api.adminToken();
    Api.as(token).get("/api/me").then().statusCode(200);

    SigningKey mounted = SigningKey.fromPem(Files.readString(Mounted.FILE));
    Map<String, String> stored = redis.hash(String.class).hgetall(AuthKeys.SIGNING_KEY);
    assertThat(stored).containsEntry("id", mounted.id()).doesNotContainKey("private");
    // chat-websocket verifies with what Redis holds.
    assertThat(new Tokens(SigningKey.fromFields(stored, false)).verify(token).user())
        .isEqualTo("admin");
  }

  @Test
  void aFileThatHoldsNoKeyIsRefusedWithAClearMessage() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SigningKey.fromPem("not a key"))
        .hasMessageContaining("PKCS#8 PEM");
  }
}
