package dev.aicoder.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkspaceFilesTest {

  @Test
  void aNulByteAnywhereInTheFirst8KbMakesAFileBinary() {
    for (int length : new int[] {0, 1, 7, 8, 9, 15, 16, 100, 8192, 9000}) {
      byte[] text = new byte[length];
      Arrays.fill(text, (byte) 'a');
      assertThat(WorkspaceFiles.isBinary(text)).as("text of %d bytes", length).isFalse();
      for (int at = 0; at < Math.min(length, 8192); at += Math.max(1, length / 37)) {
        byte[] binary = text.clone();
        binary[at] = 0;
        assertThat(WorkspaceFiles.isBinary(binary)).as("NUL at %d of %d", at, length).isTrue();
      }
    }
    byte[] late = new byte[9000];
    Arrays.fill(late, (byte) 0x80); // high bytes (UTF-8) are not NUL
    late[8500] = 0;
    assertThat(WorkspaceFiles.isBinary(late)).as("a NUL after 8 KB is not looked at").isFalse();
    byte[] last = new byte[8192];
    Arrays.fill(last, (byte) 0xff);
    last[8191] = 0;
    assertThat(WorkspaceFiles.isBinary(last)).isTrue();
  }
}
