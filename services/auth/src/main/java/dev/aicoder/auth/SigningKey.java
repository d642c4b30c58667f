package dev.aicoder.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * The RSA key that signs access tokens. The gateway holds the private half; chat-websocket needs
 * only the public one to verify a token at the WebSocket handshake.
 *
 * @param privateKey null where only verification is needed
 */
public record SigningKey(String id, PrivateKey privateKey, PublicKey publicKey, long createdAtMs) {

  /** A fresh 2048-bit RSA key. */
  public static SigningKey generate(long nowMs) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      return new SigningKey(
          UUID.randomUUID().toString(), pair.getPrivate(), pair.getPublic(), nowMs);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM cannot make RSA keys", e);
    }
  }

  /**
   * The key in a PEM file holding an RSA private key (PKCS#8, {@code -----BEGIN PRIVATE KEY-----}),
   * as mounted from a Kubernetes Secret. Its id is the public key's fingerprint, so every replica
   * reading the same file names the key alike.
   */
  public static SigningKey fromPem(String pem) {
    try {
      String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      PrivateKey privateKey =
          rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
        throw new IllegalArgumentException("not an RSA private key with its public exponent");
      }
      PublicKey publicKey =
          rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
      byte[] fingerprint = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
      String id = "pem-" + HexFormat.of().formatHex(fingerprint, 0, 12);
      return new SigningKey(id, privateKey, publicKey, 0);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "The signing key file must hold an RSA private key in PKCS#8 PEM (openssl genpkey"
              + " -algorithm RSA -pkeyopt rsa_keygen_bits:2048): "
              + e.getMessage(),
          e);
    }
  }

  /** This key without its private half: what verifiers need. */
  public SigningKey publicOnly() {
    return new SigningKey(id, null, publicKey, createdAtMs);
  }

  /** The fields stored in {@link AuthKeys#SIGNING_KEY}. */
  public Map<String, String> toFields() {
    Map<String, String> fields = new HashMap<>();
    fields.put("id", id);
    fields.put("public", base64(publicKey.getEncoded()));
    fields.put("createdAt", Long.toString(createdAtMs));
    if (privateKey != null) {
      fields.put("private", base64(privateKey.getEncoded()));
    }
    return fields;
  }

  /** Reads the stored key; the private half only when {@code withPrivate} and present. */
  public static SigningKey fromFields(Map<String, String> fields, boolean withPrivate) {
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      PublicKey publicKey =
          rsa.generatePublic(
              new X509EncodedKeySpec(Base64.getDecoder().decode(fields.get("public"))));
      PrivateKey privateKey =
          withPrivate && fields.get("private") != null
              ? rsa.generatePrivate(
                  new PKCS8EncodedKeySpec(Base64.getDecoder().decode(fields.get("private"))))
              : null;
      return new SigningKey(
          fields.get("id"), privateKey, publicKey, Long.parseLong(fields.get("createdAt")));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException(
          "The signing key stored in Redis (" + AuthKeys.SIGNING_KEY + ") is unreadable", e);
    }
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
