package dev.aicoder.cache.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTierTest {

  @TempDir Path temp;

  private FileTier tier(Path dir) {
    return new FileTier(dir, 1 << 20, ns -> {}, Runnable::run);
  }

  @Test
  void aFolderHoldingSomethingElseIsRefusedNeverWiped() throws Exception {
    Path home = Files.createDirectories(temp.resolve("home"));
    Files.writeString(home.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> tier(home))
        .hasMessageContaining("AI_CODER_CACHE_DIR")
        .hasMessageContaining("empty or new folder");
    assertThat(home.resolve("notes.txt")).hasContent("mine");
  }

  @Test
  void itsOwnFolderIsEmptiedAtStartAndStaysItsOwnAfterAClear() throws Exception {
    Path dir = temp.resolve("cache");
    FileTier first = tier(dir);
    first.put("ns", "k", new byte[] {1, 2, 3});
    first.clear(null);
    first.put("ns", "k2", new byte[] {4});
    assertThat(dir.resolve("ns/k2")).exists();

    FileTier second = tier(dir); // a restart
    assertThat(dir.resolve("ns/k2")).doesNotExist();
    assertThat(second.get("ns", "k2")).isNull();
    assertThat(dir.resolve(FileTier.MARKER)).exists();
  }
}
