package dev.aicoder.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.DecoderConfig;
import io.restassured.config.RestAssuredConfig;
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
}
