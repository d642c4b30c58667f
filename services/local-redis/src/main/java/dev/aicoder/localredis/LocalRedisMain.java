package dev.aicoder.localredis;

/**
 * Runs a local Redis in the foreground for {@code make run}: {@code LocalRedisMain [port]}. It
 * stops the server and removes its data when the JVM is told to stop.
 */
public final class LocalRedisMain {

  private LocalRedisMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 6379;
    LocalRedis redis = LocalRedis.start(port);
    Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
    System.out.println("Redis (" + redis.executable() + ") listening on " + redis.url());
    Thread.currentThread().join();
  }
}
