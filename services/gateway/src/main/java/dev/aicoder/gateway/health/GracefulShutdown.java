package dev.aicoder.gateway.health;

import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.proxy.WebSocketProxy;
import dev.aicoder.gateway.rest.InFlightRequests;
import dev.aicoder.gateway.rest.PerformanceLiveRoute;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * What the gateway does on SIGTERM, before Quarkus closes its HTTP server: readiness goes DOWN at
 * once; for {@link GatewayConfig#shutdownDelay()} it still serves while the ingress stops sending
 * it traffic; then every proxied chat socket closes with 1012 (browsers reconnect elsewhere and
 * resume), every live performance stream ends, and the requests in flight get {@link
 * GatewayConfig#shutdownTimeout()} to finish.
 */
@Readiness
@ApplicationScoped
public class GracefulShutdown implements HealthCheck {

  private final WebSocketProxy sockets;
  private final InFlightRequests requests;
  private final PerformanceLiveRoute liveStreams;
  private final Duration delay;
  private final Duration timeout;
  private volatile boolean stopping;

  GracefulShutdown(
      WebSocketProxy sockets,
      InFlightRequests requests,
      PerformanceLiveRoute liveStreams,
      GatewayConfig config) {
    this.sockets = sockets;
    this.requests = requests;
    this.liveStreams = liveStreams;
    this.delay = config.shutdownDelay();
    this.timeout = config.shutdownTimeout();
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("Shutdown").status(!stopping).build();
  }

  /**
   * Fired on the shutdown thread at SIGTERM (quarkus.shutdown.delay-enabled); Quarkus closes the
   * HTTP server only once this returns, so the delay and the drain are waited for here.
   */
  void stop(@Observes ShutdownDelayInitiatedEvent event) throws InterruptedException {
    stopping = true;
    Log.infof("Stopping: readiness is DOWN; closing chat sockets in %s", delay);
    Thread.sleep(delay.toMillis()); // the ingress's time to notice; nothing to wait for here
    try {
      sockets.restartAll().get(2, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Log.warnf("Not every chat socket took its close frame: %s", e.toString());
    }
    // A live performance stream never ends by itself: end it, and the page reconnects elsewhere.
    liveStreams.closeAll();
    int running = requests.running();
    if (running > 0) {
      Log.infof("Waiting up to %s for %d requests in flight", timeout, running);
    }
    if (!requests.awaitNone(timeout)) {
      Log.warnf("%d requests still running after %s; stopping anyway", requests.running(), timeout);
    }
  }
}
