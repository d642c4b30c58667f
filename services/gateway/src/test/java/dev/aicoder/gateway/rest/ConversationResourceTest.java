package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class ConversationResourceTest {

  @Inject RedisDataSource redis;

  /** Writes a conversation the way chat-websocket and ai-streaming do, trimming its oldest. */
  private String conversation(String owner, int messages, int trimmed) {
    String id = UUID.randomUUID().toString();
    var hashes = redis.hash(String.class);
    hashes.hset(
        Keys.conversation(id), Map.of("owner", owner, "createdAt", "1000", "updatedAt", "2000"));
    for (int i = 0; i < messages; i++) {
      ChatMessage m =
          new ChatMessage(
              "m" + i, "t" + i, i % 2 == 0 ? "user" : "assistant", "text " + i, null, i);
      redis.list(String.class).rpush(Keys.messages(id), m.toJson());
      hashes.hincrby(Keys.conversation(id), "appended", 1);
    }
    redis.list(String.class).ltrim(Keys.messages(id), trimmed, -1);
    redis
        .sortedSet(String.class)
        .zadd(Keys.userConversations(owner), System.currentTimeMillis(), id);
    return id;
  }

  @Test
  void messagesPageNewestFirstByCursorEvenAfterTrimming() {
    String token = Api.newMember("chatty");
    String id = conversation(Api.userOf(token), 120, 15); // m0..m14 trimmed away
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      var request = as(token).queryParam("limit", 50);
      if (cursor != null) {
        request.queryParam("before", cursor);
      }
      JsonPath page =
          request
              .get("/api/conversations/" + id + "/messages")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      seen.addAll(page.getList("messages.id"));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertThat(seen).hasSize(105);
    assertThat(seen.get(0)).isEqualTo("m119");
    assertThat(seen.get(104)).isEqualTo("m15");
    assertThat(seen).doesNotHaveDuplicates();
  }

  @Test
  void theOwnerListsRenamesAndDeletes() {
    String token = Api.newMember("owner");
    String id = conversation(Api.userOf(token), 2, 0);
    as(token).get("/api/conversations").then().statusCode(200).body("id", hasItem(id));
    as(token)
        .contentType(ContentType.JSON)
        .body(Map.of("title", "Refactor the parser"))
        .patch("/api/conversations/" + id)
        .then()
        .statusCode(200)
        .body("title", equalTo("Refactor the parser"));
    as(token).delete("/api/conversations/" + id).then().statusCode(204);
    // The tombstone chat-websocket reads: nobody may claim the id again, for a while.
    assertThat(redis.key().ttl(Keys.deletedConversation(id))).isPositive();
    as(token).get("/api/conversations").then().body("id", not(hasItem(id)));
    as(token).get("/api/conversations/" + id + "/messages").then().statusCode(404);
  }

  @Test
  void theTitleFromTheFirstPromptIsListedAndARenameMustBeDisplayable() {
    String token = Api.newMember("titled");
    String id = conversation(Api.userOf(token), 2, 0);
    redis.hash(String.class).hset(Keys.conversation(id), "title", "Explain hello.py");
    as(token)
        .get("/api/conversations")
        .then()
        .statusCode(200)
        .body("find { it.id == '" + id + "' }.title", equalTo("Explain hello.py"));
    for (String bad : List.of("   ", "x".repeat(101), "bell\u0007", "evil\u202Egnp.exe")) {
      as(token)
          .contentType(ContentType.JSON)
          .body(Map.of("title", bad))
          .patch("/api/conversations/" + id)
          .then()
          .statusCode(400);
    }
    assertThat(redis.hash(String.class).hget(Keys.conversation(id), "title"))
        .isEqualTo("Explain hello.py");
    as(token)
        .contentType(ContentType.JSON)
        .body(Map.of("title", "  hello.py walkthrough "))
        .patch("/api/conversations/" + id)
        .then()
        .statusCode(200)
        .body("title", equalTo("hello.py walkthrough"));
  }

  @Test
  void othersCannotReadUnlessItIsSharedWithTheirTeam() {
    String owner = Api.newMember("sharer");
    String teammate = Api.newMember("mate");
    String stranger = Api.newMember("stranger");
    String team = Api.newTeam(owner, teammate);
    String id = conversation(Api.userOf(owner), 4, 0);

    for (String other : List.of(teammate, stranger)) {
      as(other).get("/api/conversations/" + id + "/messages").then().statusCode(404);
      as(other).delete("/api/conversations/" + id).then().statusCode(404);
      as(other)
          .contentType(ContentType.JSON)
          .body(Map.of("title", "mine"))
          .patch("/api/conversations/" + id)
          .then()
          .statusCode(404);
    }
    as(owner)
        .contentType(ContentType.JSON)
        .body(Map.of("teamId", team))
        .patch("/api/conversations/" + id)
        .then()
        .statusCode(200);
    as(teammate)
        .get("/api/conversations/" + id + "/messages")
        .then()
        .statusCode(200)
        .body("messages.size()", equalTo(4));
    as(teammate).delete("/api/conversations/" + id).then().statusCode(404);
    as(stranger).get("/api/conversations/" + id + "/messages").then().statusCode(404);
    // The teammate's list shows it, with its owner; the stranger's does not.
    List<Map<String, Object>> listed =
        as(teammate).get("/api/conversations").jsonPath().getList("");
    assertThat(listed)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.get("id")).isEqualTo(id);
              assertThat(c.get("owner")).isEqualTo(Api.userOf(owner));
              assertThat(c.get("team")).isEqualTo(team);
            });
    assertThat(as(stranger).get("/api/conversations").jsonPath().getList("")).isEmpty();
    // Unshared, it leaves the teammate's list.
    as(owner)
        .contentType(ContentType.JSON)
        .body(Map.of("teamId", ""))
        .patch("/api/conversations/" + id)
        .then()
        .statusCode(200);
    assertThat(as(teammate).get("/api/conversations").jsonPath().getList("")).isEmpty();
    assertThat(as(owner).get("/api/conversations").jsonPath().getList("id")).containsExactly(id);
    as(owner).get("/api/conversations/not-a-uuid/messages").then().statusCode(400);
    as(owner).queryParam("limit", 0).get("/api/conversations").then().statusCode(400);
  }
}
