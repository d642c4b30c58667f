package dev.aicoder.cache.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys of the cache: the current one encrypts, every one decrypts. Each has an id
 * derived from the key itself (so no second setting can disagree with it), written in every entry.
 */
public final class KeyRing {

  /** An AES key and its 8-hex-digit id. */
  public record Key(String id, SecretKey secret) {}

  private final Key current;
  private final Map<String, Key> byId = new LinkedHashMap<>();

  private KeyRing(Key current, List<Key> all) {
    this.current = current;
    all.forEach(k -> byId.put(k.id(), k));
  }

  /** No encryption. */
  public static KeyRing none() {
    return new KeyRing(null, List.of());
  }

  /** The current key and earlier ones, each base64 of 32 bytes. */
  public static KeyRing of(Optional<String> current, List<String> old) {
    if (current.filter(k -> !k.isBlank()).isEmpty()) {
      if (!old.isEmpty()) {
        throw new IllegalArgumentException(
            "AI_CODER_CACHE_OLD_KEYS is set but AI_CODER_CACHE_KEY is not: set the current key");
      }
      return none();
    }
    Key now = key(current.get(), "AI_CODER_CACHE_KEY");
    List<Key> all = new java.util.ArrayList<>(List.of(now));
    old.stream()
        .filter(k -> !k.isBlank())
        .map(k -> key(k, "AI_CODER_CACHE_OLD_KEYS"))
        .forEach(all::add);
    return new KeyRing(now, all);
  }

  private static Key key(String base64, String setting) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          setting + " is not base64 (make one: openssl rand -base64 32)");
    }
    if (bytes.length != 32) {
      throw new IllegalArgumentException(
          setting
              + " must be 32 bytes in base64, it has "
              + bytes.length
              + " (make one: openssl rand -base64 32)");
    }
    return new Key(idOf(bytes), new SecretKeySpec(bytes, "AES"));
  }

  private static String idOf(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("ai-coder cache key id".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(key), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key new entries are encrypted with, or null when encryption is off. */
  public Key current() {
    return current;
  }

  /** A key by its id, or null when this ring does not hold it. */
  public Key byId(String id) {
    return byId.get(id);
  }
}
