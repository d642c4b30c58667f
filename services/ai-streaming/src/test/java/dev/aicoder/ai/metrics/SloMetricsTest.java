package dev.aicoder.ai.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The timers behind an SLO publish buckets at its thresholds (DESIGN section 7), and a traced
 * request leaves an exemplar with its trace id on its bucket, as Prometheus scrapes /q/metrics.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
class SloMetricsTest {

  /** What Prometheus 2.x sends when it scrapes. */
  private static final String OPENMETRICS =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
          + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  @Inject RedisDataSource redis;

  private String scrape() {
    return scrape("Prometheus/2.53.0");
  }

  private String scrape(String userAgent) {
    return given()
        .accept(OPENMETRICS)
        .header("User-Agent", userAgent)
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  @Test
  void turnTimersHaveBucketsAtTheSloThresholds() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    TurnRequest request = turns.submit("hello #tokens=10");
    turns.awaitEnd(request.turnId(), Duration.ofSeconds(15));

    // The registry holds a gauge's object weakly: after a GC a gauge nothing else holds reads NaN.
    System.gc();
    String metrics = scrape();
    for (String timer :
        new String[] {
          "aicoder_turn_ttft_seconds",
          "aicoder_turn_ttft_queue_seconds",
          "aicoder_turn_ttft_prompt_seconds",
          "aicoder_turn_ttft_model_seconds"
        }) {
      for (String le : new String[] {"0.5", "1.0", "2.0", "5.0"}) {
        assertThat(metrics).containsPattern(bucket(timer, le));
      }
    }
    for (String le : new String[] {"0.25", "0.5", "1.0", "2.0", "5.0"}) {
      assertThat(metrics).containsPattern(bucket("aicoder_turn_token_gap_seconds", le));
    }
    assertThat(metrics).containsPattern("(?m)^aicoder_requests_lag\\{[^}]*\\} 0\\.0$");
    assertThat(metrics).containsPattern("(?m)^aicoder_turn_queued\\{[^}]*\\} 0\\.0$");
  }

  @Test
  void httpRequestsHaveBucketsAndExemplarsWithTheTraceId() {
    given().get("/slo-probe").then().statusCode(200);

    String metrics = scrape();
    for (String le : new String[] {"0.025", "0.05", "0.1", "0.25", "0.5", "1.0"}) {
      assertThat(metrics).containsPattern(bucket("http_server_requests_seconds", le));
    }
    assertThat(metrics)
        .containsPattern(
            "(?m)^http_server_requests_seconds_bucket\\{[^}]*uri=\"/slo-probe\"[^}]*\\} 1\\.0"
                + " # \\{span_id=\"[0-9a-f]{16}\",trace_id=\"[0-9a-f]{32}\"\\} ");
  }

  /**
   * Micrometer puts an exemplar on a histogram's _count too, and Prometheus before 2.43 (Debian
   * 12's) drops the whole scrape for it: such a server gets the text format, without exemplars.
   */
  @Test
  void anOlderPrometheusGetsNoExemplars() {
    given().get("/slo-probe").then().statusCode(200);

    String metrics = scrape("Prometheus/2.42.0");
    assertThat(metrics).containsPattern(bucket("http_server_requests_seconds", "0.1"));
    assertThat(metrics).doesNotContain("# {").doesNotContain("# EOF");
  }

  private static Pattern bucket(String timer, String le) {
    return Pattern.compile(
        "(?m)^" + timer + "_bucket\\{[^}]*le=\"" + Pattern.quote(le) + "\"[^}]*\\} ");
  }
}
