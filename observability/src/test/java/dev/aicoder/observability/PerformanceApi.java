package dev.aicoder.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The metrics service's /api/performance routes read as JSON (loopback: no internal token). */
final class PerformanceApi {

  /** An answer: its status and parsed body. */
  record Answer(int status, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  PerformanceApi(int port) {
    this.base = "http://127.0.0.1:" + port + "/api/performance";
  }

  /** GET of {@code /api/performance<suffix>}, e.g. {@code /history?figure=cpu}. */
  Answer get(String suffix) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + suffix)).timeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A GET that must answer 200. */
  JsonNode ok(String suffix) {
    Answer answer = get(suffix);
    if (answer.status() != 200) {
      throw new AssertionError("GET " + base + suffix + " -> " + answer);
    }
    return answer.body();
  }

  JsonNode snapshot() {
    return ok("");
  }

  JsonNode history(String query) {
    return ok("/history?" + query);
  }

  JsonNode alerts() {
    return ok("/alerts");
  }

  /** The series of a history answer for one service and instance, or null. */
  static JsonNode series(JsonNode history, String service, String instance) {
    for (JsonNode s : history.path("series")) {
      if (service.equals(s.path("service").asText())
          && instance.equals(s.path("instance").asText())) {
        return s;
      }
    }
    return null;
  }

  /** The points of a series that have a value, as [time, value] pairs. */
  static List<JsonNode> valued(JsonNode series) {
    List<JsonNode> points = new ArrayList<>();
    if (series != null) {
      for (JsonNode p : series.path("points")) {
        if (!p.path(1).isNull()) {
          points.add(p);
        }
      }
    }
    return points;
  }
}
