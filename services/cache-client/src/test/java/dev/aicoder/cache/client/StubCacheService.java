package dev.aicoder.cache.client;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A port for the cache service that tests control: closed (nothing listens), hanging (requests are
 * read and never answered), or answering every request with one status.
 */
public class StubCacheService implements QuarkusTestResourceLifecycleManager {

  private static int port;
  private static HttpServer server;
  private static final AtomicInteger requests = new AtomicInteger();
  private static CountDownLatch released = new CountDownLatch(1);

  @Override
  public Map<String, String> start() {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Map.of("aicoder.cache-client.url", "http://127.0.0.1:" + port);
  }

  @Override
  public void stop() {
    close();
  }

  /** Requests that reached the port since the last {@link #hang} or {@link #answer}. */
  static int requests() {
    return requests.get();
  }

  /** Reads requests and never answers them, like a service stuck in a pause. */
  static void hang() throws IOException {
    listen(-1);
  }

  /** Answers every request with {@code status} and no body. */
  static void answer(int status) throws IOException {
    listen(status);
  }

  /** Nothing listens on the port: connections are refused. */
  static synchronized void close() {
    if (server != null) {
      released.countDown();
      server.stop(0);
      server = null;
    }
  }

  private static synchronized void listen(int status) throws IOException {
    close();
    requests.set(0);
    released = new CountDownLatch(1);
    CountDownLatch hold = released;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          try {
            if (status < 0) {
              hold.await();
              return;
            }
            exchange.sendResponseHeaders(status, -1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            exchange.close();
          }
        });
    server.start();
  }
}
