package dev.aicoder.localredis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Redis server process on one port: {@code redis-server} from the PATH when there is one,
 * else the binary shipped in the embedded-redis jar. It can be stopped and started again on the
 * same port, so tests can exercise an outage.
 */
public final class LocalRedis implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final int port;
  private final Path dataDir;
  private final Path executable;
  private final boolean persistent;
  private Process process;

  private LocalRedis(int port, Path dataDir, Path executable, boolean persistent) {
    this.port = port;
    this.dataDir = dataDir;
    this.executable = executable;
    this.persistent = persistent;
  }

  /** Starts Redis on a free port with a fresh data folder. */
  public static LocalRedis startOnFreePort() {
    return start(freePort());
  }

  /** Starts Redis on the given port with a fresh data folder. */
  public static LocalRedis start(int port) {
    try {
      LocalRedis redis =
          new LocalRedis(
              port, Files.createTempDirectory("aicoder-redis-"), findExecutable(), false);
      redis.startProcess();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare a local Redis: " + e.getMessage(), e);
    }
  }

  /**
   * Starts Redis on the given port keeping its data in {@code dataDir} across restarts (append-only
   * file, flushed every second), as DESIGN section 4 asks of every Redis: {@link #close()} stops it
   * and leaves the data.
   */
  public static LocalRedis startPersistent(int port, Path dataDir) {
    try {
      LocalRedis redis =
          new LocalRedis(
              port, Files.createDirectories(dataDir).toAbsolutePath(), findExecutable(), true);
      redis.startProcess();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare a local Redis: " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://localhost:" + port;
  }

  public String executable() {
    return executable.toString();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Starts the server again after {@link #stop()}, on the same port; data survives if persistent.
   */
  public synchronized void startProcess() {
    if (isRunning()) {
      return;
    }
    List<String> command =
        List.of(
            executable.toString(),
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            dataDir.toString(),
            "--save",
            "",
            "--appendonly",
            persistent ? "yes" : "no",
            "--appendfsync",
            "everysec",
            "--daemonize",
            "no",
            "--logfile",
            dataDir.resolve("redis.log").toString());
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + executable + ": " + e.getMessage(), e);
    }
    awaitListening();
  }

  /** Stops the server; clients see connection refused until {@link #startProcess()}. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Stops the server and removes its data folder, unless it is persistent. */
  @Override
  public synchronized void close() {
    stop();
    if (persistent) {
      return;
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // The folder lives under the temp dir; failing to clean it must not fail a test run.
      System.err.println("Could not remove " + dataDir + ": " + e.getMessage());
    }
  }

  /** Waits until Redis answers PING with PONG: listening, and done loading its data. */
  private void awaitListening() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Redis exited with code " + process.exitValue() + "; see " + dataDir + "/redis.log");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        socket.setSoTimeout(1000);
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] reply = new byte[5];
        if (socket.getInputStream().readNBytes(reply, 0, 5) == 5
            && new String(reply, StandardCharsets.US_ASCII).equals("+PONG")) {
          return;
        }
      } catch (IOException notYet) {
        Thread.onSpinWait();
      }
    }
    throw new IllegalStateException("Redis was not ready on port " + port + " within 15s");
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path findExecutable() throws IOException {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "redis-server");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return extractEmbedded();
  }

  private static Path extractEmbedded() throws IOException {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String resource =
        arch.contains("aarch64") || arch.contains("arm64")
            ? "/redis-server-6.2.7-linux-arm64"
            : "/redis-server-6.2.6-v5-linux-amd64";
    Path target = Path.of(System.getProperty("java.io.tmpdir"), "aicoder" + resource);
    if (Files.isExecutable(target)) {
      return target;
    }
    Files.createDirectories(target.getParent());
    try (InputStream in = LocalRedis.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("No redis-server on the PATH and none in embedded-redis");
      }
      Path tmp = Files.createTempFile(target.getParent(), "redis", ".tmp");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      tmp.toFile().setExecutable(true);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }
}
