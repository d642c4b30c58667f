package dev.aicoder.metrics.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetTest {

  @Test
  void parsesPlainAndDiscoveredTargets() {
    List<Target> targets =
        Target.parseAll(
            " gateway=http://127.0.0.1:8080/q/metrics , cache=dns+http://ai-coder-cache-headless:8083/q/metrics,");
    assertThat(targets).hasSize(2);
    assertThat(targets.get(0).discover()).isFalse();
    assertThat(targets.get(0).port()).isEqualTo(8080);
    assertThat(targets.get(1).discover()).isTrue();
    assertThat(targets.get(1).url().getHost()).isEqualTo("ai-coder-cache-headless");
    assertThat(Target.parseAll("")).isEmpty();
  }

  @Test
  void aBadTargetIsRefusedWithTheSettingsName() {
    assertThatThrownBy(() -> Target.parseAll("gateway"))
        .hasMessageContaining("AI_CODER_METRICS_TARGETS")
        .hasMessageContaining("service=url");
    assertThatThrownBy(() -> Target.parseAll("Gate Way=http://x/q/metrics"))
        .hasMessageContaining("service name");
    assertThatThrownBy(() -> Target.parseAll("g=file:///etc/passwd")).hasMessageContaining("http");
  }

  @Test
  void aDiscoveredTargetScrapesEveryAddressOfTheName() {
    // localhost resolves to the loopback address(es); each is its own instance, none answers
    List<Scraper.Result> results =
        new Scraper(java.time.Duration.ofMillis(500), null)
            .scrape(Target.parseAll("ghost=dns+http://localhost:1/q/metrics"));
    assertThat(results).isNotEmpty();
    assertThat(results).allSatisfy(r -> assertThat(r.up()).isFalse());
    assertThat(results).extracting(Scraper.Result::instance).allMatch(i -> i.endsWith(":1"));
  }

  @Test
  void twoTargetsOnOnePortAreTwoInstances() {
    List<Scraper.Result> results =
        new Scraper(java.time.Duration.ofMillis(500), null)
            .scrape(
                Target.parseAll(
                    "a=http://127.0.0.1:1/q/metrics,a=http://127.0.0.1:1/other/metrics"));
    assertThat(results)
        .extracting(Scraper.Result::instance)
        .containsExactly("127.0.0.1:1", "127.0.0.1:1/other/metrics");
  }
}
