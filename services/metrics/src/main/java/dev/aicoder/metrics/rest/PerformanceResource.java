package dev.aicoder.metrics.rest;

import dev.aicoder.common.InternalOnly;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-app performance view. For now the metrics service's own process figures; scraping the
 * other services, history and alerts come with the metrics issue.
 */
@InternalOnly
@Path("/api/performance")
@Produces(MediaType.APPLICATION_JSON)
public class PerformanceResource {

  private final MeterRegistry registry;

  PerformanceResource(MeterRegistry registry) {
    this.registry = registry;
  }

  @GET
  public Map<String, Object> performance() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("processCpuUsage", gauge("process.cpu.usage"));
    figures.put("systemCpuUsage", gauge("system.cpu.usage"));
    figures.put("heapUsedBytes", sum("jvm.memory.used", "area", "heap"));
    figures.put("uptimeSeconds", gauge("process.uptime"));
    return Map.of("service", "metrics", "figures", figures);
  }

  private double gauge(String name) {
    Gauge gauge = Search.in(registry).name(name).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  private double sum(String name, String tag, String value) {
    return Search.in(registry).name(name).tag(tag, value).gauges().stream()
        .mapToDouble(Gauge::value)
        .sum();
  }
}
