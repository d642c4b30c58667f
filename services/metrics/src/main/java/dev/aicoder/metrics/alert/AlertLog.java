package dev.aicoder.metrics.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.metrics.Alert;
import dev.aicoder.metrics.config.MetricsConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Alerts in Redis: every state change appended to the stream {@code aicoder:alerts} (the alert
 * history, bounded, for anything that wants to follow it), and the active alerts in one key, so
 * every replica shows them and a restart or a new leader carries on from them.
 */
@ApplicationScoped
public class AlertLog {

  static final String STREAM = "aicoder:alerts";
  static final String ACTIVE = "aicoder:perf:alerts:active";
  private static final TypeReference<List<Alert>> LIST = new TypeReference<>() {};

  private final RedisDataSource redis;
  private final ObjectMapper json;
  private final int historySize;

  AlertLog(RedisDataSource redis, ObjectMapper json, MetricsConfig config) {
    this.redis = redis;
    this.json = json;
    this.historySize = config.alerts().historySize();
  }

  /** Appends state changes to the history. */
  public void publish(List<Alert> events) {
    for (Alert event : events) {
      redis.execute(
          "XADD",
          STREAM,
          "MAXLEN",
          "~",
          String.valueOf(historySize),
          "*",
          "id",
          event.id(),
          "state",
          event.state(),
          "alert",
          write(event));
    }
  }

  public void saveActive(List<Alert> active) {
    redis.execute("SET", ACTIVE, write(active));
  }

  public List<Alert> active() {
    Response r = redis.execute("GET", ACTIVE);
    if (r == null) {
      return List.of();
    }
    try {
      return json.readValue(r.toString(), LIST);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("The active alerts in Redis are not readable", e);
    }
  }

  /** The newest {@code limit} state changes, newest first. */
  public List<Alert> history(int limit) {
    Response r = redis.execute("XREVRANGE", STREAM, "+", "-", "COUNT", String.valueOf(limit));
    List<Alert> events = new ArrayList<>();
    for (Response entry : r) {
      Response fields = entry.get(1);
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if ("alert".equals(fields.get(i).toString())) {
          try {
            events.add(json.readValue(fields.get(i + 1).toString(), Alert.class));
          } catch (JsonProcessingException e) {
            // an entry another version wrote: skip it rather than hide the rest
          }
        }
      }
    }
    return events;
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
