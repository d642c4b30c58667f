package dev.aicoder.gateway.rest;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the HTTP requests in flight, so a stopping gateway can let them finish. Quarkus' own count
 * (quarkus.shutdown.timeout) is not used: it takes every WebSocket upgrade for a request that never
 * ends, so a gateway that ever proxied a chat socket would wait out its whole timeout.
 */
@ApplicationScoped
public class InFlightRequests {

  private final AtomicInteger running = new AtomicInteger();
  private final CompletableFuture<Void> none = new CompletableFuture<>();
  private volatile boolean awaited;

  void register(@Observes Router router) {
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            rc -> {
              // A socket is not a request: the proxy closes sockets itself when the gateway stops.
              if (!"websocket".equalsIgnoreCase(rc.request().getHeader(HttpHeaders.UPGRADE))) {
                running.incrementAndGet();
                rc.addEndHandler(ended -> finished());
              }
              rc.next();
            });
  }

  private void finished() {
    if (running.decrementAndGet() == 0 && awaited) {
      none.complete(null);
    }
  }

  /** How many requests are running now. */
  public int running() {
    return running.get();
  }

  /** Waits until no request is running, at most {@code timeout}; whether none is. */
  public boolean awaitNone(Duration timeout) throws InterruptedException {
    awaited = true;
    if (running.get() == 0) {
      return true;
    }
    try {
      none.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return running.get() == 0;
    } catch (ExecutionException e) {
      throw new IllegalStateException("never completed exceptionally", e);
    }
  }
}
