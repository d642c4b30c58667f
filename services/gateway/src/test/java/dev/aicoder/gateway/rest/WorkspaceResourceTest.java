package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.aicoder.gateway.Api;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class WorkspaceResourceTest {

  @Inject GatewayConfig config;

  private String alice;
  private String workspace;

  @BeforeEach
  void setUp() {
    alice = Api.newMember("alice");
    workspace = Api.newWorkspace(alice, Api.newTeam(alice));
  }

  @Test
  void aFileIsCreatedReadWithItsEtagAndUpdatedWithIfMatch() {
    Response created = put(alice, "src/Main.java", "class Main {}", null);
    assertThat(created.statusCode()).isEqualTo(201);
    String etag = created.header("ETag");

    Response read = as(alice).queryParam("path", "src/Main.java").get(file());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.asString()).isEqualTo("class Main {}");
    assertThat(read.header("ETag")).isEqualTo(etag);
    assertThat(read.header("X-Content-Kind")).isEqualTo("text");
    as(alice)
        .header("If-None-Match", etag)
        .queryParam("path", "src/Main.java")
        .get(file())
        .then()
        .statusCode(304);

    assertThat(put(alice, "src/Main.java", "class Main { }", null).statusCode()).isEqualTo(428);
    Response updated = put(alice, "src/Main.java", "class Main { }", etag);
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(updated.header("ETag")).isNotEqualTo(etag);
    Response stale = put(alice, "src/Main.java", "lost?", etag);
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(stale.jsonPath().getString("currentContent")).isEqualTo("class Main { }");
    assertThat(stale.jsonPath().getString("currentEtag")).isEqualTo(updated.header("ETag"));
  }

  @Test
  void twoWritersWithTheSameEtagOneWinsTheOtherGetsTheCurrentVersion() throws Exception {
    String etag = put(alice, "shared.txt", "v0", null).header("ETag");
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Response>> writes = new ArrayList<>();
      for (String text : List.of("from writer one", "from writer two")) {
        Callable<Response> write =
            () -> {
              start.await();
              return put(alice, "shared.txt", text, etag);
            };
        writes.add(pool.submit(write));
      }
      Response first = writes.get(0).get();
      Response second = writes.get(1).get();
      Response winner = first.statusCode() == 200 ? first : second;
      Response loser = winner == first ? second : first;
      assertThat(List.of(first.statusCode(), second.statusCode()))
          .containsExactlyInAnyOrder(200, 412);
      String stored = as(alice).queryParam("path", "shared.txt").get(file()).asString();
      assertThat(loser.jsonPath().getString("currentContent")).isEqualTo(stored);
      assertThat(loser.jsonPath().getString("currentEtag")).isEqualTo(winner.header("ETag"));
      // Nothing is lost: the loser can merge onto the current version.
      assertThat(put(alice, "shared.txt", stored + " + merged", winner.header("ETag")).statusCode())
          .isEqualTo(200);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aReadDuringRewritesAlwaysGetsTheBytesOfTheEtagItIsSentWith() throws Exception {
    Map<String, String> contentOf = new java.util.concurrent.ConcurrentHashMap<>();
    Response created = put(alice, "hot.txt", "version 0 ".repeat(500), null);
    contentOf.put(created.header("ETag"), "version 0 ".repeat(500));
    var stop = new java.util.concurrent.atomic.AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<Integer> writer =
          pool.submit(
              () -> {
                String etag = created.header("ETag");
                int n = 0;
                while (!stop.get()) {
                  String text = ("version " + ++n + " ").repeat(500);
                  etag = put(alice, "hot.txt", text, etag).header("ETag");
                  contentOf.put(etag, text);
                }
                return n;
              });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(
            pool.submit(
                () -> {
                  int checked = 0;
                  long end = System.currentTimeMillis() + 3000;
                  // Bounded in count too: reads from memory are fast enough to hit the rate limit.
                  while (System.currentTimeMillis() < end && checked < 200) {
                    Response read = as(alice).queryParam("path", "hot.txt").get(file());
                    assertThat(read.statusCode()).isEqualTo(200);
                    String etag = read.header("ETag");
                    long deadline = System.currentTimeMillis() + 2000;
                    while (!contentOf.containsKey(etag) && System.currentTimeMillis() < deadline) {
                      Thread.onSpinWait(); // the writer records an ETag after its PUT returns
                    }
                    assertThat(read.asString()).isEqualTo(contentOf.get(etag));
                    checked++;
                  }
                  return checked;
                }));
      }
      int checked = 0;
      for (Future<Integer> reader : readers) {
        checked += reader.get();
      }
      stop.set(true);
      assertThat(writer.get()).as("rewrites during the reads").isPositive();
      assertThat(checked).as("reads checked").isPositive();
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }

  @Test
  void aFolderOfTwentyThousandFilesListsPageByPage() throws Exception {
    Path folder = workspaceFolder().resolve("big");
    Files.createDirectories(folder.resolve("sub"));
    for (int i = 0; i < 20_000; i++) {
      Files.writeString(folder.resolve(String.format("f%05d.txt", i)), "x");
    }
    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      var request = as(alice).queryParam("path", "big").queryParam("limit", 1000);
      if (cursor != null) {
        request.queryParam("cursor", cursor);
      }
      Response page = request.get("/api/workspaces/" + workspace + "/tree");
      assertThat(page.statusCode()).isEqualTo(200);
      List<String> names = page.jsonPath().getList("entries.name");
      assertThat(names).hasSizeLessThanOrEqualTo(1000);
      order.addAll(names);
      seen.addAll(names);
      cursor = page.jsonPath().getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(21);
    assertThat(seen).hasSize(20_001);
    assertThat(order).hasSize(20_001);
    assertThat(order.get(0)).isEqualTo("sub"); // folders first
    assertThat(order.subList(1, order.size())).isSorted();
  }

  @Test
  void foldersMovesDeletesAndRanges() {
    as(alice).queryParam("path", "docs").post(base() + "/folder").then().statusCode(201);
    as(alice).queryParam("path", "docs").post(base() + "/folder").then().statusCode(409);
    put(alice, "docs/a.md", "0123456789", null);
    as(alice)
        .header("Range", "bytes=2-5")
        .queryParam("path", "docs/a.md")
        .get(file())
        .then()
        .statusCode(206)
        .header("Content-Range", "bytes 2-5/10")
        .body(equalTo("2345"));
    as(alice)
        .header("Range", "bytes=50-60")
        .queryParam("path", "docs/a.md")
        .get(file())
        .then()
        .statusCode(416);
    as(alice)
        .contentType(ContentType.JSON)
        .body(Map.of("from", "docs", "to", "notes/docs"))
        .post(base() + "/move")
        .then()
        .statusCode(204);
    as(alice).queryParam("path", "notes/docs/a.md").get(file()).then().statusCode(200);
    as(alice)
        .contentType(ContentType.JSON)
        .body(Map.of("from", "notes", "to", "notes/docs/inner"))
        .post(base() + "/move")
        .then()
        .statusCode(400);
    as(alice).queryParam("path", "notes").delete(file()).then().statusCode(204);
    as(alice).queryParam("path", "notes/docs/a.md").get(file()).then().statusCode(404);
    as(alice).queryParam("path", "").delete(file()).then().statusCode(400);
  }

  @Test
  void filesOverTheReadLimitAreReadByRange() throws Exception {
    long limit = config.files().maxRead().asLongValue();
    byte[] big = new byte[(int) limit + 1000];
    java.util.Arrays.fill(big, (byte) 'x');
    big[big.length - 1] = 'z';
    Files.write(workspaceFolder().resolve("big.log"), big);
    Response tooLarge = as(alice).queryParam("path", "big.log").get(file());
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.contentType()).isEqualTo("application/problem+json");
    assertThat(tooLarge.jsonPath().getLong("size")).isEqualTo(big.length);
    Response first =
        as(alice)
            .header("Range", "bytes=0-" + (limit - 1))
            .queryParam("path", "big.log")
            .get(file());
    assertThat(first.statusCode()).isEqualTo(206);
    assertThat(first.asByteArray()).hasSize((int) limit);
    assertThat(first.header("X-File-Size")).isEqualTo(Integer.toString(big.length));
    assertThat(first.header("Last-Modified")).endsWith("GMT");
    Response last = as(alice).header("Range", "bytes=-3").queryParam("path", "big.log").get(file());
    assertThat(last.asString()).isEqualTo("xxz");
    assertThat(last.header("Content-Range"))
        .isEqualTo("bytes " + (big.length - 3) + "-" + (big.length - 1) + "/" + big.length);
  }

  @Test
  void readingAFileNeedsAToken() {
    put(alice, "a.txt", "secret", null);
    Response anonymous = io.restassured.RestAssured.given().queryParam("path", "a.txt").get(file());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(anonymous.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(anonymous.jsonPath().getString("type")).isEqualTo("/problems/unauthorized");
    Response forged = as(alice + "x").queryParam("path", "a.txt").get(file());
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.asString()).doesNotContain("secret");
  }

  @Test
  void headAnswersTheVersionAndSizeWithoutTheBytes() {
    String etag = put(alice, "head.txt", "0123456789", null).header("ETag");
    for (int i = 0; i < 2; i++) { // from disk, then from memory
      Response head = as(alice).queryParam("path", "head.txt").head(file());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.header("ETag")).isEqualTo(etag);
      assertThat(head.header("X-File-Size")).isEqualTo("10");
      assertThat(head.asByteArray()).isEmpty();
    }
    assertThat(as(alice).queryParam("path", "none.txt").head(file()).statusCode()).isEqualTo(404);
  }

  @Test
  void binaryFilesAreFlaggedNotDumped() throws Exception {
    Files.write(
        workspaceFolder().resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
    Response flagged = as(alice).queryParam("path", "logo.png").get(file());
    assertThat(flagged.header("X-Content-Kind")).isEqualTo("binary");
    assertThat(flagged.asByteArray()).isEmpty();
    assertThat(flagged.header("X-File-Size")).isEqualTo("7");
    Response raw = as(alice).queryParam("path", "logo.png").queryParam("raw", true).get(file());
    assertThat(raw.asByteArray()).hasSize(7);
  }

  @Test
  void searchStreamsMatchesAndASummary() {
    put(alice, "a.txt", "hello world\nnothing\nHELLO again", null);
    put(alice, "lib/b.txt", "say hello", null);
    List<String> lines =
        as(alice).queryParam("q", "hello").get(base() + "/search").asString().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(3)).contains("\"done\":true").contains("\"matches\":3");
    List<String> limited =
        as(alice)
            .queryParam("q", "hello")
            .queryParam("limit", 1)
            .get(base() + "/search")
            .asString()
            .lines()
            .toList();
    assertThat(limited).hasSize(2);
    assertThat(limited.get(1)).contains("\"truncated\":true");
  }

  @Test
  void aFileReadFromMemoryIsNeverOlderThanAChangeMadeThroughTheGateway() {
    String etag = put(alice, "cached.txt", "one", null).header("ETag");
    for (int i = 0; i < 2; i++) { // the second read is answered from memory
      assertThat(read(alice, "cached.txt").asString()).isEqualTo("one");
    }
    String next = put(alice, "cached.txt", "two", etag).header("ETag");
    Response reread = read(alice, "cached.txt");
    assertThat(reread.asString()).isEqualTo("two");
    assertThat(reread.header("ETag")).isEqualTo(next);
    as(alice)
        .header("If-None-Match", next)
        .queryParam("path", "cached.txt")
        .get(file())
        .then()
        .statusCode(304);

    as(alice)
        .contentType(ContentType.JSON)
        .body(Map.of("from", "cached.txt", "to", "moved.txt"))
        .post(base() + "/move")
        .then()
        .statusCode(204);
    assertThat(read(alice, "cached.txt").statusCode()).isEqualTo(404);
    assertThat(read(alice, "moved.txt").asString()).isEqualTo("two");
    as(alice).queryParam("path", "moved.txt").delete(file()).then().statusCode(204);
    assertThat(read(alice, "moved.txt").statusCode()).isEqualTo(404);
  }

  @Test
  void aChangeBesideTheGatewayIsSeenWithinTheCacheWindow() throws Exception {
    put(alice, "beside.txt", "before", null);
    assertThat(read(alice, "beside.txt").asString()).isEqualTo("before");
    Files.writeString(workspaceFolder().resolve("beside.txt"), "changed in a shell");
    // Within the window plus a margin, and before the team membership is looked up again (5 s),
    // which takes the slower path that reads the disk anyway.
    long deadline = System.currentTimeMillis() + config.files().cacheWindow().toMillis() + 1_000;
    String seen = read(alice, "beside.txt").asString();
    while (!seen.equals("changed in a shell") && System.currentTimeMillis() < deadline) {
      seen = read(alice, "beside.txt").asString();
    }
    assertThat(seen).isEqualTo("changed in a shell");
  }

  @Test
  void aFileInMemoryIsStillOnlyForTheTeamAndForTokensNotSignedOut() {
    put(alice, "team.txt", "team A only", null);
    String member = Api.newMember("carol");
    as(Api.adminToken())
        .contentType(ContentType.JSON)
        .body(Map.of("username", Api.userOf(member)))
        .post("/api/admin/teams/" + teamOf(alice) + "/members")
        .then()
        .statusCode(204);
    for (int i = 0; i < 2; i++) {
      assertThat(read(member, "team.txt").asString()).isEqualTo("team A only");
    }
    String mallory = Api.newMember("mallory");
    Response stranger = read(mallory, "team.txt");
    assertThat(stranger.statusCode()).isEqualTo(404);
    assertThat(stranger.asString()).doesNotContain("team A only");
    as(member).post("/api/auth/logout").then().statusCode(204);
    assertThat(read(member, "team.txt").statusCode()).isEqualTo(401);
  }

  @Test
  void aMemberOfAnotherTeamCannotTouchTheWorkspace() {
    put(alice, "secret.txt", "team A only", null);
    String mallory = Api.newMember("mallory");
    Api.newTeam(mallory);
    as(mallory)
        .get("/api/workspaces")
        .then()
        .statusCode(200)
        .body("id", org.hamcrest.Matchers.not(hasItem(workspace)));
    List<Response> attempts =
        List.of(
            as(mallory).queryParam("path", "secret.txt").get(file()),
            as(mallory).queryParam("path", "").get(base() + "/tree"),
            as(mallory).queryParam("q", "team").get(base() + "/search"),
            put(mallory, "secret.txt", "overwritten", "*"),
            put(mallory, "new.txt", "planted", null),
            as(mallory).queryParam("path", "x").post(base() + "/folder"),
            as(mallory)
                .contentType(ContentType.JSON)
                .body(Map.of("from", "secret.txt", "to", "moved.txt"))
                .post(base() + "/move"),
            as(mallory).queryParam("path", "secret.txt").delete(file()));
    for (Response attempt : attempts) {
      assertThat(attempt.statusCode()).isEqualTo(404);
      assertThat(attempt.asString()).doesNotContain("team A only");
    }
    assertThat(as(alice).queryParam("path", "secret.txt").get(file()).asString())
        .isEqualTo("team A only");
    as(alice).queryParam("path", "new.txt").get(file()).then().statusCode(404);
    // And no workspace can be made for a team one does not belong to.
    String teamOfAlice = as(alice).get("/api/me").jsonPath().getString("teams[0].id");
    as(mallory)
        .contentType(ContentType.JSON)
        .body(Map.of("name", "intrusion", "teamId", teamOfAlice))
        .post("/api/workspaces")
        .then()
        .statusCode(403);
  }

  private Response put(String token, String path, String content, String ifMatch) {
    var request =
        as(token)
            .contentType("text/plain; charset=utf-8")
            .body(content.getBytes(StandardCharsets.UTF_8))
            .queryParam("path", path);
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    return request.put(file());
  }

  private Response read(String token, String path) {
    return as(token).queryParam("path", path).get(file());
  }

  private static String teamOf(String token) {
    return as(token).get("/api/me").jsonPath().getString("teams[0].id");
  }

  private Path workspaceFolder() {
    return config.workspaceRoot().toAbsolutePath().resolve(workspace);
  }

  private String base() {
    return "/api/workspaces/" + workspace;
  }

  private String file() {
    return base() + "/file";
  }
}
