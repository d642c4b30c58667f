package dev.aicoder.e2e;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A {@code redis-server} process of the system's Redis (a master, a replica or a sentinel), with
 * its log in target/, and a minimal client to send it commands.
 */
final class RedisProcess implements AutoCloseable {

  /** Debian's redis-server, which CI installs; it has Sentinel and TLS. */
  static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");

  private final Process process;
  private final String name;
  final int port;
  private final String password;

  private RedisProcess(Process process, String name, int port, String password) {
    this.process = process;
    this.name = name;
    this.port = port;
    this.password = password;
  }

  /** A Redis server on 127.0.0.1:{@code port}, nothing saved, with these further arguments. */
  static RedisProcess server(String name, int port, String password, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString()));
    command.addAll(common(name, port));
    if (password != null) {
      command.addAll(List.of("--requirepass", password, "--masterauth", password));
    }
    command.addAll(List.of(args));
    return started(command, name, port, password);
  }

  /** A sentinel on 127.0.0.1:{@code port} without a password, with these configuration lines. */
  static RedisProcess sentinel(String name, int port, String config) throws IOException {
    // Sentinel rewrites its configuration file, so each gets its own in target/.
    Path file = Files.writeString(Path.of("target", name + ".conf").toAbsolutePath(), config);
    List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString(), file.toString()));
    command.add("--sentinel");
    command.addAll(common(name, port));
    return started(command, name, port, null);
  }

  private static List<String> common(String name, int port) {
    return List.of(
        "--port",
        Integer.toString(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        Path.of("target").toAbsolutePath().toString(),
        "--logfile",
        Path.of("target", name + ".log").toAbsolutePath().toString());
  }

  private static RedisProcess started(List<String> command, String name, int port, String password)
      throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    RedisProcess redis = new RedisProcess(process, name, port, password);
    await(
        Duration.ofSeconds(15),
        name + " answering PING",
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited; see target/" + name + ".log");
          }
          try {
            return "PONG".equals(redis.call("PING"));
          } catch (IOException notYet) {
            return false;
          }
        });
    return redis;
  }

  /**
   * Sends one command (after AUTH when this server has a password) and answers the reply: a String,
   * a Long, a List or null; an error reply throws {@link IllegalStateException}.
   */
  Object call(String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password != null) {
        write(out, "AUTH", password);
        read(in);
      }
      write(out, args);
      return read(in);
    }
  }

  /** Kills the process at once, as a crashed server dies. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public String toString() {
    return name + " on " + port;
  }

  /** Polls {@code condition} until it holds, failing after {@code timeout}. */
  static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within " + timeout + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private static void write(OutputStream out, String... args) throws IOException {
    StringBuilder resp = new StringBuilder("*" + args.length + "\r\n");
    for (String arg : args) {
      resp.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
      resp.append(arg).append("\r\n");
    }
    out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        String bulk = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        line(in);
        return bulk;
      case '*':
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          items.add(read(in));
        }
        return items;
      default:
        throw new IOException("Not a RESP reply: " + (char) type + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\r'; c = in.read()) {
      if (c < 0) {
        throw new IOException("Connection closed");
      }
      line.append((char) c);
    }
    in.read(); // \n
    return line.toString();
  }
}
