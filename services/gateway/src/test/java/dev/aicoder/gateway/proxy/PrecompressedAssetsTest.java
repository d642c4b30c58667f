package dev.aicoder.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.DecoderConfig;
import io.restassured.config.RestAssuredConfig;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class PrecompressedAssetsTest {

  @Test
  void aBrowserThatAcceptsGzipGetsThePrecompressedCopy() {
    given()
        .header("Accept-Encoding", "gzip, deflate, br")
        .get("/assets/app-test.js")
        .then()
        .statusCode(200)
        .header("Content-Encoding", "gzip")
        .header("Vary", "Accept-Encoding")
        .header("Content-Type", "text/javascript; charset=utf-8")
        .body(equalTo("console.log(\"app\");\n")); // RestAssured decodes gzip
  }

  @Test
  void othersGetThePlainFile() {
    given()
        .config(
            RestAssuredConfig.config()
                .decoderConfig(DecoderConfig.decoderConfig().noContentDecoders()))
        .header("Accept-Encoding", "identity")
        .get("/assets/app-test.js")
        .then()
        .statusCode(200)
        .header("Content-Encoding", nullValue())
        .body(equalTo("console.log(\"app\");\n"));
  }

  /** Issue 11 row 1: every made-up name used to be remembered, 7 KB of heap per request. */
  @Test
  void aFloodOfMadeUpNamesLeavesTheHeapFlat() throws Exception {
    flood("warm-up-", 2_000); // first lookups load indexes and classes once
    long before = heapAfterGc();
    flood("flood-", 20_000);
    long grown = heapAfterGc() - before;
    // 20,000 names of 2 KB would hold at least 40 MB if they were kept.
    assertThat(grown).as("heap growth in bytes").isLessThan(16L << 20);
  }

  private static void flood(String prefix, int requests) throws InterruptedException {
    String padding = "x".repeat(2000);
    HttpClient client = HttpClient.newHttpClient();
    Semaphore inFlight = new Semaphore(32);
    AtomicInteger notFound = new AtomicInteger();
    for (int i = 0; i < requests; i++) {
      inFlight.acquire();
      URI uri =
          URI.create(
              RestAssured.baseURI
                  + ":"
                  + RestAssured.port
                  + "/assets/"
                  + prefix
                  + i
                  + padding
                  + ".js");
      client
          .sendAsync(
              HttpRequest.newBuilder(uri).header("Accept-Encoding", "br").build(),
              HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, e) -> {
                if (response != null && response.statusCode() == 404) {
                  notFound.incrementAndGet();
                }
                inFlight.release();
              });
    }
    inFlight.acquire(32);
    assertThat(notFound).hasValue(requests);
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
