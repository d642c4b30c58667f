package dev.aicoder.cache.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EntryCodecTest {

  private static final long NOW = 1_000_000L;
  private static final long LATER = NOW + 60_000;
  private static final String OLD = newKey();
  private static final String NEW = newKey();

  private static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static byte[] text(int bytes) {
    return "const answer = 42; // the same line, again and again\n"
        .repeat(bytes / 50 + 1)
        .substring(0, bytes)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void smallValuesRoundTripUncompressedAndUnencrypted() throws Exception {
    EntryCodec codec = new EntryCodec(KeyRing.none(), 512);
    byte[] entry = codec.encode("ns", "k", text(100), LATER);
    assertThat(entry[3] & (EntryCodec.COMPRESSED | EntryCodec.ENCRYPTED)).isZero();
    assertThat(codec.decode("ns", "k", entry, NOW).value()).isEqualTo(text(100));
  }

  @Test
  void largeValuesAreCompressed() throws Exception {
    EntryCodec codec = new EntryCodec(KeyRing.none(), 512);
    byte[] entry = codec.encode("ns", "k", text(4096), LATER);
    assertThat(entry[3] & EntryCodec.COMPRESSED).isNotZero();
    assertThat(entry.length).isLessThan(1024);
    assertThat(codec.decode("ns", "k", entry, NOW).value()).isEqualTo(text(4096));
  }

  @Test
  void encryptedEntriesRoundTripAndHideTheValue() throws Exception {
    EntryCodec codec = new EntryCodec(KeyRing.of(Optional.of(NEW), List.of()), 512);
    byte[] value = "a secret answer".getBytes(StandardCharsets.UTF_8);
    byte[] entry = codec.encode("ns", "k", value, LATER);
    assertThat(entry[3] & EntryCodec.ENCRYPTED).isNotZero();
    assertThat(new String(entry, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
    assertThat(codec.decode("ns", "k", entry, NOW).value()).isEqualTo(value);
    // Compressed and encrypted at once.
    byte[] big = codec.encode("ns", "k", text(4096), LATER);
    assertThat(big[3]).isEqualTo((byte) (EntryCodec.COMPRESSED | EntryCodec.ENCRYPTED));
    assertThat(codec.decode("ns", "k", big, NOW).value()).isEqualTo(text(4096));
  }

  @Test
  void afterARotationOldEntriesStayReadable() throws Exception {
    byte[] old =
        new EntryCodec(KeyRing.of(Optional.of(OLD), List.of()), 512)
            .encode("ns", "k", text(700), LATER);
    EntryCodec rotated = new EntryCodec(KeyRing.of(Optional.of(NEW), List.of(OLD)), 512);
    assertThat(rotated.decode("ns", "k", old, NOW).value()).isEqualTo(text(700));
    // New entries use the new key: a replica holding only the old key cannot read them.
    byte[] fresh = rotated.encode("ns", "k", text(700), LATER);
    EntryCodec before = new EntryCodec(KeyRing.of(Optional.of(OLD), List.of()), 512);
    assertThatThrownBy(() -> before.decode("ns", "k", fresh, NOW))
        .isInstanceOf(EntryCodec.UnknownKey.class);
  }

  @Test
  void aFlippedByteIsCaughtNeverServed() {
    for (KeyRing keys : List.of(KeyRing.none(), KeyRing.of(Optional.of(NEW), List.of()))) {
      EntryCodec codec = new EntryCodec(keys, 512);
      byte[] entry = codec.encode("ns", "k", text(2000), LATER);
      for (int i : new int[] {3, 10, 20, entry.length / 2, entry.length - 1}) {
        byte[] bad = entry.clone();
        bad[i] ^= 0x5a;
        assertThatThrownBy(() -> codec.decode("ns", "k", bad, NOW))
            .as("byte %d flipped", i)
            .isInstanceOf(EntryCodec.CorruptEntry.class);
      }
      assertThatThrownBy(() -> codec.decode("ns", "k", new byte[] {1, 2, 3}, NOW))
          .isInstanceOf(EntryCodec.CorruptEntry.class);
    }
  }

  @Test
  void anEncryptedEntryIsBoundToItsKey() {
    EntryCodec codec = new EntryCodec(KeyRing.of(Optional.of(NEW), List.of()), 512);
    byte[] entry = codec.encode("ns", "alice", text(100), LATER);
    assertThatThrownBy(() -> codec.decode("ns", "bob", entry, NOW))
        .isInstanceOf(EntryCodec.CorruptEntry.class);
  }

  @Test
  void anExpiredEntryIsNoValue() throws Exception {
    EntryCodec codec = new EntryCodec(KeyRing.none(), 512);
    byte[] entry = codec.encode("ns", "k", text(10), LATER);
    assertThat(codec.decode("ns", "k", entry, LATER)).isNull();
  }

  @Test
  void badKeysAreRefusedWithTheFix() {
    assertThatThrownBy(() -> KeyRing.of(Optional.of("c2hvcnQ="), List.of()))
        .hasMessageContaining("32 bytes")
        .hasMessageContaining("openssl rand -base64 32");
    assertThatThrownBy(() -> KeyRing.of(Optional.of("not base64!"), List.of()))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> KeyRing.of(Optional.empty(), List.of(OLD)))
        .hasMessageContaining("AI_CODER_CACHE_KEY");
  }
}
