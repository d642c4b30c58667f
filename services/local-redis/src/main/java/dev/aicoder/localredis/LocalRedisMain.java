package dev.aicoder.localredis;

import java.nio.file.Path;

/**
 * Runs a local Redis in the foreground for {@code make run}: {@code LocalRedisMain [port
 * [dataDir]]}. With a data folder, what Redis holds survives a restart (append-only file); without,
 * the data is removed when the JVM is told to stop.
 */
public final class LocalRedisMain {

  private LocalRedisMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 6379;
    LocalRedis redis =
        args.length > 1
            ? LocalRedis.startPersistent(port, Path.of(args[1]))
            : LocalRedis.start(port);
    Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
    System.out.println("Redis (" + redis.executable() + ") listening on " + redis.url());
    Thread.currentThread().join();
  }
}
