package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Many turns' events go to Redis in few commands; a refused one fails only its own turn. */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
class EventBatchesTest {

  private static final int TURNS = 100;

  @Inject Lanes lanes;
  @Inject RedisDataSource redis;

  @Test
  void eventsOfManyTurnsShareCommandsAndARefusalFailsOnlyItsTurn() throws Exception {
    String run = UUID.randomUUID().toString();
    String refused = run + "-refused";
    // Another worker already wrote this turn's seq 1.
    redis.execute("XADD", Keys.turn(refused), Keys.entryId(1), Keys.EVENT_FIELD, "{}");
    EventBatches batches = lanes.next().batches();
    long evalsBefore = evals();

    List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
    for (int i = 0; i < TURNS; i++) {
      String turnId = i == TURNS / 2 ? refused : run + "-" + i;
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      batches.append(new Frame.Delta(turnId, 1, "token " + i), Runnable::run, outcome::complete);
      outcomes.add(outcome);
    }

    for (int i = 0; i < TURNS; i++) {
      Throwable error = outcomes.get(i).get(10, TimeUnit.SECONDS);
      if (i == TURNS / 2) {
        assertThat(error).as("the refused event").hasMessageContaining("equal or smaller");
      } else {
        assertThat(error).as("event %d", i).isNull();
        assertThat(redis.execute("XRANGE", Keys.turn(run + "-" + i), "-", "+").toString())
            .contains(FrameCodec.toJson(new Frame.Delta(run + "-" + i, 1, "token " + i)));
      }
    }
    assertThat(evals() - evalsBefore)
        .as("one command carries the events queued while another is in flight")
        .isLessThan(TURNS / 4);
    Response entries = redis.execute("XRANGE", Keys.LIVE, "-", "+");
    int added = 0;
    for (Response entry : entries) {
      if (entry.get(1).toString().contains(run)) {
        added++;
      }
    }
    assertThat(added)
        .as("live entries of this test's events: one per command, whatever it carries")
        .isPositive()
        .isLessThanOrEqualTo((int) (evals() - evalsBefore));
    String live = redis.execute("XREVRANGE", Keys.LIVE, "+", "-", "COUNT", "1000").toString();
    assertThat(live).contains(run + "-0").contains(run + "-" + (TURNS - 1)).doesNotContain(refused);
  }

  private long evals() {
    String stats = redis.execute("INFO", "commandstats").toString();
    Matcher m = Pattern.compile("cmdstat_eval:calls=(\\d+)").matcher(stats);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
