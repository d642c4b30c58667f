package dev.aicoder.cache.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.zip.CRC32C;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The bytes of an entry in Redis and on disk: a header (format, flags, expiry, original length, key
 * id), the value (LZ4-compressed above a threshold, AES-256-GCM-encrypted when a key is set) and a
 * CRC32C of everything before it. A corrupt entry fails the checksum (or the GCM tag, which also
 * binds the entry to its namespace and key) and is never served.
 *
 * <pre>
 * "AC" 1 | flags | expiresAtMs (8) | length (4) | keyIdLength (1) keyId | payload | crc32c (4)
 * </pre>
 */
public final class EntryCodec {

  static final int COMPRESSED = 1;
  static final int ENCRYPTED = 2;
  private static final int VERSION = 1;
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  // The native (JNI) codec where it loads, else the Java one; the Java one was most of a 4 KB
  // entry's decode time (benchmarks/cache).
  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  /** One cipher per thread: Cipher.getInstance per entry cost more than the AES itself. */
  private static final ThreadLocal<Cipher> GCM =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("AES-GCM is unavailable", e);
            }
          });

  /** An entry that cannot be trusted: it is dropped and counted, never served. */
  public static final class CorruptEntry extends Exception {
    CorruptEntry(String message) {
      super(message, null, false, false);
    }
  }

  /** An entry encrypted with a key this replica does not hold (a rotation in progress). */
  public static final class UnknownKey extends Exception {
    UnknownKey(String id) {
      super(
          "entry encrypted with key " + id + ", which this replica does not hold",
          null,
          false,
          false);
    }
  }

  /** A decoded entry. */
  public record Decoded(byte[] value, long expiresAtMs) {}

  private final KeyRing keys;
  private final int compressAbove;
  private final SecureRandom random = new SecureRandom();
  private final LZ4Compressor compressor = LZ4.fastCompressor();
  // The safe decompressor checks every read against the input: an entry written by someone else
  // into Redis cannot make it read or write out of bounds.
  private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();

  public EntryCodec(KeyRing keys, int compressAbove) {
    this.keys = keys;
    this.compressAbove = compressAbove;
  }

  public byte[] encode(String namespace, String key, byte[] value, long expiresAtMs) {
    int flags = 0;
    byte[] payload = value;
    if (value.length >= compressAbove) {
      byte[] packed = compressor.compress(value);
      if (packed.length < value.length) {
        payload = packed;
        flags |= COMPRESSED;
      }
    }
    KeyRing.Key key2 = keys.current();
    byte[] keyId = key2 == null ? new byte[0] : key2.id().getBytes(StandardCharsets.US_ASCII);
    if (key2 != null) {
      flags |= ENCRYPTED;
    }
    byte[] header = header(flags, expiresAtMs, value.length, keyId);
    if (key2 != null) {
      payload = encrypt(key2, header, namespace, key, payload);
    }
    ByteBuffer out = ByteBuffer.allocate(header.length + payload.length + 4);
    out.put(header).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** The entry's value, or null when it has expired. */
  public Decoded decode(String namespace, String key, byte[] entry, long nowMs)
      throws CorruptEntry, UnknownKey {
    if (entry.length < 21 || entry[0] != 'A' || entry[1] != 'C' || entry[2] != VERSION) {
      throw new CorruptEntry("not a cache entry");
    }
    ByteBuffer in = ByteBuffer.wrap(entry);
    CRC32C crc = new CRC32C();
    crc.update(entry, 0, entry.length - 4);
    if ((int) crc.getValue() != in.getInt(entry.length - 4)) {
      throw new CorruptEntry("checksum mismatch");
    }
    int flags = entry[3];
    long expiresAtMs = in.getLong(4);
    int length = in.getInt(12);
    int keyIdLength = entry[16];
    int payloadStart = 17 + keyIdLength;
    if (length < 0 || keyIdLength < 0 || payloadStart > entry.length - 4) {
      throw new CorruptEntry("bad header");
    }
    if (expiresAtMs <= nowMs) {
      return null;
    }
    byte[] payload = java.util.Arrays.copyOfRange(entry, payloadStart, entry.length - 4);
    if ((flags & ENCRYPTED) != 0) {
      String id = new String(entry, 17, keyIdLength, StandardCharsets.US_ASCII);
      KeyRing.Key k = keys.byId(id);
      if (k == null) {
        throw new UnknownKey(id);
      }
      payload = decrypt(k, java.util.Arrays.copyOf(entry, payloadStart), namespace, key, payload);
    }
    if ((flags & COMPRESSED) != 0) {
      byte[] value = new byte[length];
      int got;
      try {
        got = decompressor.decompress(payload, 0, payload.length, value, 0, length);
      } catch (RuntimeException e) {
        throw new CorruptEntry("does not decompress");
      }
      if (got != length) {
        throw new CorruptEntry("length mismatch");
      }
      return new Decoded(value, expiresAtMs);
    }
    if (payload.length != length) {
      throw new CorruptEntry("length mismatch");
    }
    return new Decoded(payload, expiresAtMs);
  }

  private static byte[] header(int flags, long expiresAtMs, int length, byte[] keyId) {
    return ByteBuffer.allocate(17 + keyId.length)
        .put((byte) 'A')
        .put((byte) 'C')
        .put((byte) VERSION)
        .put((byte) flags)
        .putLong(expiresAtMs)
        .putInt(length)
        .put((byte) keyId.length)
        .put(keyId)
        .array();
  }

  private byte[] encrypt(KeyRing.Key k, byte[] header, String namespace, String key, byte[] plain) {
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher cipher = GCM.get();
      cipher.init(Cipher.ENCRYPT_MODE, k.secret(), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(header);
      cipher.updateAAD(aad(namespace, key));
      byte[] sealed = new byte[IV_BYTES + cipher.getOutputSize(plain.length)];
      System.arraycopy(iv, 0, sealed, 0, IV_BYTES);
      cipher.doFinal(plain, 0, plain.length, sealed, IV_BYTES);
      return sealed;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  private static byte[] decrypt(
      KeyRing.Key k, byte[] header, String namespace, String key, byte[] sealed)
      throws CorruptEntry {
    if (sealed.length < IV_BYTES + TAG_BITS / 8) {
      throw new CorruptEntry("truncated ciphertext");
    }
    try {
      Cipher cipher = GCM.get();
      cipher.init(
          Cipher.DECRYPT_MODE, k.secret(), new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
      cipher.updateAAD(header);
      cipher.updateAAD(aad(namespace, key));
      return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new CorruptEntry("authentication tag mismatch");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  private static byte[] aad(String namespace, String key) {
    return (namespace + '\0' + key).getBytes(StandardCharsets.UTF_8);
  }
}
