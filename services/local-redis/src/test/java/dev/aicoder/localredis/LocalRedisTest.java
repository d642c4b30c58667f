package dev.aicoder.localredis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalRedisTest {

  /** Issue 11 row 5: `make run` kept nothing across a restart (persistence was off). */
  @Test
  void aPersistentRedisKeepsItsDataAcrossARestart() throws IOException {
    // Relative, as `make run` passes it (.run/redis).
    Path dir = Path.of("target", "redis-" + System.nanoTime());
    int port = LocalRedis.freePort();
    try (LocalRedis redis = LocalRedis.startPersistent(port, dir)) {
      assertEquals("+OK", command(port, "SET aicoder:user:alice kept"));
    }
    try (LocalRedis again = LocalRedis.startPersistent(port, dir)) {
      assertEquals("$4", command(port, "GET aicoder:user:alice"));
    }
  }

  @Test
  void aThrowAwayRedisStartsEmpty() {
    int port = LocalRedis.freePort();
    try (LocalRedis redis = LocalRedis.start(port)) {
      assertEquals("+OK", command(port, "SET aicoder:user:alice gone"));
      redis.stop();
      redis.startProcess();
      assertEquals("$-1", command(port, "GET aicoder:user:alice"));
    }
  }

  /** Sends one inline command and returns the first line of the reply. */
  private static String command(int port, String line) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      throw new AssertionError("Redis on port " + port + " did not answer: " + e.getMessage(), e);
    }
  }
}
