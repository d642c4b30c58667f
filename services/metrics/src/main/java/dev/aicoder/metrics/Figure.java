package dev.aicoder.metrics;

import java.util.List;
import java.util.Locale;

/**
 * A figure the performance view shows, with its group and unit. The order is stored: the local
 * history keeps each entry's values in this order, so new figures go at the end, never between.
 */
public enum Figure {
  CPU("cpu", "Process CPU", Unit.RATIO, Group.CPU, Aggregate.MAX),
  SYSTEM_CPU("systemCpu", "System CPU", Unit.RATIO, Group.CPU, Aggregate.MAX),
  LOAD1("load1", "Load average (1 min)", Unit.COUNT, Group.CPU, Aggregate.MAX),
  HEAP("heap", "Heap used of max", Unit.RATIO, Group.MEMORY, Aggregate.MAX),
  HEAP_USED("heapUsed", "Heap used", Unit.BYTES, Group.MEMORY, Aggregate.SUM),
  GC_PAUSE("gcPause", "GC pause time", Unit.RATIO, Group.MEMORY, Aggregate.MAX),
  THREADS("threads", "Live threads", Unit.COUNT, Group.MEMORY, Aggregate.SUM),
  RPS("rps", "Requests", Unit.PER_SECOND, Group.HTTP, Aggregate.SUM),
  ERRORS("errors", "5xx answers", Unit.PER_SECOND, Group.HTTP, Aggregate.SUM),
  RESPONSE_MEAN("responseMean", "Mean response time", Unit.SECONDS, Group.HTTP, Aggregate.MAX),
  RESPONSE_P99("responseP99", "p99 response time (5 min)", Unit.SECONDS, Group.HTTP, Aggregate.MAX),
  ACTIVE_REQUESTS(
      "activeRequests", "Requests in flight", Unit.COUNT, Group.CONNECTIONS, Aggregate.SUM),
  OPEN_FILES("openFiles", "Open files and sockets", Unit.COUNT, Group.CONNECTIONS, Aggregate.SUM),
  CACHE_HIT_RATE("cacheHitRate", "Hit rate (10 min)", Unit.RATIO, Group.CACHE, Aggregate.MIN),
  CACHE_GETS("cacheGets", "Lookups", Unit.PER_SECOND, Group.CACHE, Aggregate.SUM),
  CACHE_BYTES("cacheBytes", "Size", Unit.BYTES, Group.CACHE, Aggregate.SUM),
  CACHE_EVICTIONS("cacheEvictions", "Evictions", Unit.PER_SECOND, Group.CACHE, Aggregate.SUM),
  WS_CONNECTIONS("wsConnections", "Connections", Unit.COUNT, Group.WEBSOCKET, Aggregate.SUM),
  WS_FRAMES_IN("wsFramesIn", "Frames in", Unit.PER_SECOND, Group.WEBSOCKET, Aggregate.SUM),
  WS_FRAMES_OUT("wsFramesOut", "Frames out", Unit.PER_SECOND, Group.WEBSOCKET, Aggregate.SUM),
  WS_PROMPT_LATENCY(
      "wsPromptLatency", "Prompt accept time", Unit.SECONDS, Group.WEBSOCKET, Aggregate.MAX),
  AI_ACTIVE("aiActive", "Streams answering", Unit.COUNT, Group.AI, Aggregate.SUM),
  AI_QUEUED("aiQueued", "Streams queued", Unit.COUNT, Group.AI, Aggregate.SUM),
  TTFT_P95("ttftP95", "p95 time to first token (5 min)", Unit.SECONDS, Group.AI, Aggregate.MAX),
  TOKENS_PER_SECOND("tokensPerSecond", "Tokens streamed", Unit.PER_SECOND, Group.AI, Aggregate.SUM);

  /** How a figure's value is shown. */
  public enum Unit {
    RATIO,
    BYTES,
    SECONDS,
    PER_SECOND,
    COUNT;

    public String id() {
      return this == PER_SECOND ? "perSecond" : name().toLowerCase(Locale.ROOT);
    }
  }

  /** The seed's groups of backend figures. */
  public enum Group {
    CPU("cpu", "CPU and load"),
    MEMORY("memory", "Memory, heap and GC"),
    HTTP("http", "Requests and response times"),
    CONNECTIONS("connections", "Connections"),
    CACHE("cache", "Cache"),
    WEBSOCKET("websocket", "WebSocket"),
    AI("ai", "AI streams");

    public final String id;
    public final String title;

    Group(String id, String title) {
      this.id = id;
      this.title = title;
    }
  }

  /** How a service's value comes from its instances': a total, or the worst instance. */
  public enum Aggregate {
    SUM,
    MAX,
    MIN
  }

  public final String id;
  public final String label;
  public final Unit unit;
  public final Group group;
  public final Aggregate aggregate;

  Figure(String id, String label, Unit unit, Group group, Aggregate aggregate) {
    this.id = id;
    this.label = label;
    this.unit = unit;
    this.group = group;
    this.aggregate = aggregate;
  }

  private static final List<Figure> ALL = List.of(values());

  /** The figure with this id, or null. */
  public static Figure byId(String id) {
    for (Figure f : ALL) {
      if (f.id.equals(id)) {
        return f;
      }
    }
    return null;
  }
}
