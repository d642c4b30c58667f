package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.gateway.Api;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Zip import and export: every entry meets the checks of a file write, refused ones are reported
 * one by one, and a download holds the folder and nothing outside the workspace.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class WorkspaceArchiveTest {

  private static final int MAX_BODY = 20 * 1024 * 1024; // quarkus.http.limits.max-body-size

  @Inject GatewayConfig config;

  private String alice;
  private String workspace;

  @BeforeEach
  void setUp() {
    alice = Api.newMember("alice");
    workspace = Api.newWorkspace(alice, Api.newTeam(alice));
  }

  @Test
  void aZipIsUnpackedIntoTheFolderEntryByEntryAndAnExistingFileIsReplaced() throws IOException {
    Files.createDirectories(folder().resolve("proj"));
    Files.writeString(folder().resolve("proj/README.md"), "old");
    byte[] zip =
        zip(
            Map.of(
                "src/", "",
                "src/main.py", "print('hi')\n",
                "README.md", "# new\n"));

    List<JsonPath> lines = importZip(zip, "proj");

    assertThat(line(lines, "proj/src/main.py").getBoolean("ok")).isTrue();
    assertThat(line(lines, "proj/src/main.py").getInt("size")).isEqualTo(12);
    assertThat(line(lines, "proj/src/main.py").getBoolean("replaced")).isFalse();
    assertThat(line(lines, "proj/README.md").getBoolean("replaced")).isTrue();
    assertThat(line(lines, "proj/src").getBoolean("folder")).isTrue();
    JsonPath done = last(lines);
    assertThat(done.getBoolean("done")).isTrue();
    assertThat(done.getInt("written")).isEqualTo(2);
    assertThat(done.getInt("refused")).isZero();
    assertThat(done.getString("error")).isNull();
    assertThat(Files.readString(folder().resolve("proj/src/main.py"))).isEqualTo("print('hi')\n");
    assertThat(Files.readString(folder().resolve("proj/README.md"))).isEqualTo("# new\n");
    // The tree sees it at once (the file cache and change feed heard of every write).
    assertThat(as(alice).queryParam("path", "proj/src").get(base() + "/tree").asString())
        .contains("main.py");
  }

  @Test
  void hostileEntryNamesAreRefusedOneByOneAndNothingLandsOutside() throws IOException {
    String marker = "planted-" + UUID.randomUUID();
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("../" + marker, bytes("x"));
    entries.put("a/../../" + marker, bytes("x"));
    entries.put("/tmp/" + marker, bytes("x"));
    entries.put("C:/" + marker, bytes("x"));
    entries.put("a\\..\\..\\" + marker, bytes("x"));
    entries.put("nul\u0000.txt", bytes("x"));
    entries.put("fine.txt", bytes("fine"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
      ZipEntry link = new ZipEntry("link-to-etc");
      link.setExtra(asiSymlink("/etc/passwd"));
      zip.putNextEntry(link);
      zip.write(bytes("/etc/passwd"));
      zip.closeEntry();
    }

    List<JsonPath> lines = importZip(out.toByteArray(), "in");

    List<JsonPath> refused = lines.stream().filter(l -> Boolean.FALSE.equals(l.get("ok"))).toList();
    assertThat(refused)
        .as(() -> lines.stream().map(JsonPath::prettify).toList().toString())
        .hasSize(7);
    assertThat(refused).allSatisfy(l -> assertThat(l.getString("error")).isNotBlank());
    assertThat(line(lines, "link-to-etc").getString("error")).contains("Symlink");
    assertThat(line(lines, "/tmp/" + marker).getString("error")).contains("absolute");
    assertThat(line(lines, "in/fine.txt").getBoolean("ok")).isTrue();
    assertThat(last(lines).getInt("written")).isEqualTo(1);
    assertThat(last(lines).getInt("refused")).isEqualTo(7);
    Path workspaces = config.workspaceRoot().toAbsolutePath();
    try (var all = Files.walk(workspaces.getParent())) {
      assertThat(all.filter(p -> p.getFileName().toString().contains(marker))).isEmpty();
    }
    assertThat(Files.exists(folder().resolve("in/link-to-etc"))).isFalse();
  }

  @Test
  void anEntryLargerThanAWriteMayBeIsRefusedAndTheRestIsImported() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("big.bin", new byte[MAX_BODY + 1]);
    entries.put("small.txt", bytes("small"));

    List<JsonPath> lines = importZip(zip(entries), "");

    assertThat(line(lines, "big.bin").getBoolean("ok")).isFalse();
    assertThat(line(lines, "big.bin").getString("error")).contains("limit of a file");
    assertThat(line(lines, "small.txt").getBoolean("ok")).isTrue();
    assertThat(Files.exists(folder().resolve("big.bin"))).isFalse();
  }

  @Test
  void anArchiveThatUnpacksPastTheTotalLimitStops() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>(); // 30M in tests
    entries.put("one.bin", new byte[16 * 1024 * 1024]);
    entries.put("two.bin", new byte[16 * 1024 * 1024]);
    entries.put("three.txt", bytes("never"));

    List<JsonPath> lines = importZip(zip(entries), "");

    assertThat(line(lines, "one.bin").getBoolean("ok")).isTrue();
    assertThat(line(lines, "two.bin").getBoolean("ok")).isFalse();
    assertThat(last(lines).getString("error")).contains("unpacks to more than");
    assertThat(Files.exists(folder().resolve("three.txt"))).isFalse();
  }

  @Test
  void anArchiveWithTooManyEntriesStopsAtTheLimit() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < 25; i++) {
      entries.put("f" + i + ".txt", bytes("x"));
    }

    List<JsonPath> lines = importZip(zip(entries), "many");

    assertThat(last(lines).getInt("written")).isEqualTo(20); // the test limit
    assertThat(last(lines).getString("error")).contains("more than 20 entries");
    assertThat(Files.exists(folder().resolve("many/f20.txt"))).isFalse();
  }

  @Test
  void aBodyThatIsNotAZipIsA400AndADamagedOneSaysSo() throws IOException {
    Response notZip =
        as(alice)
            .contentType("application/zip")
            .body(bytes("just text"))
            .queryParam("path", "")
            .post(base() + "/import");
    assertThat(notZip.statusCode()).isEqualTo(400);
    assertThat(notZip.jsonPath().getString("detail")).contains("not a .zip");

    byte[] noise = new byte[64 * 1024];
    new java.util.Random(7).nextBytes(noise); // incompressible, so the cut falls inside it
    byte[] whole = zip(Map.of("a.bin", noise));
    List<JsonPath> lines = importZip(Arrays.copyOf(whole, whole.length / 2), "");
    assertThat(last(lines).getString("error")).contains("damaged");
  }

  @Test
  void theWorkspaceAndAFolderDownloadAsZipsWithoutWhatLeadsOutside() throws IOException {
    Files.createDirectories(folder().resolve("src/empty"));
    Files.writeString(folder().resolve("src/app.py"), "app");
    Files.writeString(folder().resolve("top.txt"), "top");
    Path outside =
        Files.createDirectories(folder().getParent().resolve("out-" + UUID.randomUUID()));
    Files.writeString(outside.resolve("secret.txt"), "SECRET");
    Files.createSymbolicLink(folder().resolve("src/leak.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(folder().resolve("leak-dir"), outside);
    Files.createSymbolicLink(folder().resolve("src/alias.txt"), folder().resolve("top.txt"));

    Response all = as(alice).get(base() + "/archive");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.contentType()).isEqualTo("application/zip");
    assertThat(all.header("Content-Disposition"))
        .matches("attachment; filename=\"[A-Za-z0-9._-]+\\.zip\"");
    Map<String, String> entries = unzip(all.asByteArray());
    assertThat(entries)
        .containsEntry("top.txt", "top")
        .containsEntry("src/app.py", "app")
        .containsEntry("src/alias.txt", "top")
        .containsKey("src/empty/")
        .doesNotContainKeys("src/leak.txt", "leak-dir/secret.txt", "leak-dir");
    assertThat(entries.values()).doesNotContain("SECRET");

    Response src = as(alice).queryParam("path", "src").get(base() + "/archive");
    assertThat(src.header("Content-Disposition")).contains("filename=\"src.zip\"");
    assertThat(unzip(src.asByteArray())).containsOnlyKeys("app.py", "alias.txt", "empty/");

    // Round trip: what was downloaded imports back.
    List<JsonPath> lines = importZip(src.asByteArray(), "copy");
    assertThat(last(lines).getInt("refused")).isZero();
    assertThat(Files.readString(folder().resolve("copy/app.py"))).isEqualTo("app");
  }

  @Test
  void someoneOutsideTheTeamCanNeitherImportNorDownload() throws IOException {
    String mallory = Api.newMember("mallory");
    assertThat(as(mallory).get(base() + "/archive").statusCode()).isEqualTo(404);
    assertThat(
            as(mallory)
                .contentType("application/zip")
                .body(zip(Map.of("x.txt", "x")))
                .post(base() + "/import")
                .statusCode())
        .isEqualTo(404);
    assertThat(Files.exists(folder().resolve("x.txt"))).isFalse();
    assertThat(as(alice).queryParam("path", "../x").get(base() + "/archive").statusCode())
        .isEqualTo(400);
  }

  private List<JsonPath> importZip(byte[] zip, String path) {
    Response response =
        as(alice)
            .contentType("application/zip")
            .body(zip)
            .queryParam("path", path)
            .post(base() + "/import");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/x-ndjson");
    return response.asString().lines().map(JsonPath::from).toList();
  }

  private static JsonPath last(List<JsonPath> lines) {
    return lines.get(lines.size() - 1);
  }

  private static JsonPath line(List<JsonPath> lines, String path) {
    return lines.stream()
        .filter(l -> path.equals(l.getString("path")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + path + " in " + lines));
  }

  private static byte[] zip(Map<String, ?> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      // In the order given when it has one (LinkedHashMap), else by name.
      Map<String, ?> ordered = entries instanceof LinkedHashMap ? entries : new TreeMap<>(entries);
      for (var e : ordered.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue() instanceof byte[] b ? b : bytes((String) e.getValue()));
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static Map<String, String> unzip(byte[] zip) throws IOException {
    Map<String, String> entries = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return entries;
  }

  /** The "ASi Unix" extra field of a symlink, as Info-ZIP's zip -y may write it. */
  private static byte[] asiSymlink(String target) {
    byte[] link = bytes(target);
    ByteBuffer b = ByteBuffer.allocate(4 + 14 + link.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0x756e).putShort((short) (14 + link.length));
    b.putInt(0)
        .putShort((short) 0120777)
        .putInt(link.length)
        .putShort((short) 0)
        .putShort((short) 0);
    b.put(link);
    return b.array();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Path folder() {
    return config.workspaceRoot().toAbsolutePath().resolve(workspace);
  }

  private String base() {
    return "/api/workspaces/" + workspace;
  }
}
