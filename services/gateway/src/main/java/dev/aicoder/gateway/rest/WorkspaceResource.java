package dev.aicoder.gateway.rest;

import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.Workspace;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.security.Caller;
import dev.aicoder.gateway.service.FileSearch;
import dev.aicoder.gateway.service.WorkspaceArchives;
import dev.aicoder.gateway.service.WorkspaceFiles;
import dev.aicoder.gateway.service.WorkspaceFiles.FileVersion;
import dev.aicoder.gateway.service.WorkspaceFiles.TreePage;
import dev.aicoder.gateway.service.WorkspaceFiles.WriteResult;
import dev.aicoder.gateway.service.WorkspacePaths;
import dev.aicoder.gateway.service.WorkspaceStore;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** A team's workspaces and the files in them. File paths travel in the {@code path} parameter. */
@Path("/api/workspaces")
@Produces(MediaType.APPLICATION_JSON)
public class WorkspaceResource {

  /** A new workspace. */
  @RegisterForReflection
  public record NewWorkspace(String name, String teamId) {}

  /** A rename or move. */
  @RegisterForReflection
  public record Move(String from, String to) {}

  private final WorkspaceStore workspaces;
  private final WorkspaceFiles files;
  private final FileSearch search;
  private final WorkspaceArchives archives;
  private final Caller caller;
  private final GatewayConfig config;

  WorkspaceResource(
      WorkspaceStore workspaces,
      WorkspaceFiles files,
      FileSearch search,
      WorkspaceArchives archives,
      Caller caller,
      GatewayConfig config) {
    this.workspaces = workspaces;
    this.files = files;
    this.search = search;
    this.archives = archives;
    this.caller = caller;
    this.config = config;
  }

  @GET
  @Operation(summary = "The workspaces of the caller's teams")
  public List<Workspace> list() {
    return workspaces.listFor(caller);
  }

  @POST
  @Operation(summary = "Create a workspace for one of the caller's teams")
  public Response create(NewWorkspace body) {
    if (body == null) {
      throw new BadRequestException("Send {\"name\", \"teamId\"}.");
    }
    Workspace workspace = workspaces.create(caller, body.name(), body.teamId());
    Log.infof(
        "%s created workspace %s for team %s", caller.user(), workspace.id(), workspace.teamId());
    return Response.status(201).entity(workspace).build();
  }

  @GET
  @Path("{id}/tree")
  @Operation(summary = "One page of one folder: folders first, then files, by name")
  public TreePage tree(
      @PathParam("id") String id,
      @QueryParam("path") String path,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("200") int limit) {
    if (limit < 1 || limit > config.files().treeMaxPage()) {
      throw new BadRequestException("limit is 1-" + config.files().treeMaxPage() + ".");
    }
    java.nio.file.Path root = root(id);
    return files.list(root, resolve(root, path), cursor, limit);
  }

  @PUT
  @Path("{id}/file")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary =
          "Write a file: If-Match with the ETag read (412 with the current version when"
              + " stale), none to create a new file")
  public Response write(
      @PathParam("id") String id,
      @QueryParam("path") String path,
      @HeaderParam("If-Match") String ifMatch,
      byte[] body) {
    java.nio.file.Path root = root(id);
    java.nio.file.Path file = resolve(root, path);
    if (file.equals(root)) {
      throw new BadRequestException("Name the file to write in path.");
    }
    WriteResult result = files.write(root, file, body == null ? new byte[0] : body, ifMatch);
    FileVersion v = result.version();
    return Response.status(result.created() ? 201 : 200)
        .tag(unquoted(v.etag()))
        .entity(
            Map.of(
                "path", WorkspacePaths.relative(root, file),
                "etag", v.etag(),
                "size", v.size(),
                "modified", v.modified()))
        .build();
  }

  @POST
  @Path("{id}/folder")
  @Operation(summary = "Create a folder")
  public Response createFolder(@PathParam("id") String id, @QueryParam("path") String path) {
    java.nio.file.Path root = root(id);
    java.nio.file.Path folder = resolve(root, path);
    if (folder.equals(root)) {
      throw new BadRequestException("Name the folder to create in path.");
    }
    files.createFolder(root, folder);
    return Response.status(201)
        .entity(Map.of("path", WorkspacePaths.relative(root, folder)))
        .build();
  }

  @DELETE
  @Path("{id}/file")
  @Operation(summary = "Delete a file, or a folder with everything in it")
  public Response delete(@PathParam("id") String id, @QueryParam("path") String path) {
    java.nio.file.Path root = root(id);
    files.delete(root, resolve(root, path));
    Log.infof("%s deleted %s in workspace %s", caller.user(), path, id);
    return Response.noContent().build();
  }

  @POST
  @Path("{id}/move")
  @Operation(summary = "Rename or move a file or folder; the target must not exist")
  public Response move(@PathParam("id") String id, Move move) {
    if (move == null || move.from() == null || move.to() == null) {
      throw new BadRequestException("Send {\"from\", \"to\"}.");
    }
    java.nio.file.Path root = root(id);
    files.move(root, resolve(root, move.from()), resolve(root, move.to()));
    return Response.noContent().build();
  }

  @GET
  @Path("{id}/search")
  @Produces("application/x-ndjson")
  @Operation(
      summary =
          "Case-insensitive text search, streamed as NDJSON: {path, line, text} per match,"
              + " then {done, matches, truncated, timedOut}")
  public Response search(
      @PathParam("id") String id,
      @QueryParam("q") String query,
      @QueryParam("path") String path,
      @QueryParam("limit") @DefaultValue("200") int limit) {
    if (query == null || query.isEmpty() || query.length() > 200) {
      throw new BadRequestException("q is 1-200 characters.");
    }
    java.nio.file.Path root = root(id);
    java.nio.file.Path folder = resolve(root, path);
    StreamingOutput body = out -> search.search(root, folder, query, limit, out);
    return Response.ok(body, "application/x-ndjson").build();
  }

  @POST
  @Path("{id}/import")
  @Consumes({"application/zip", "application/x-zip-compressed", MediaType.APPLICATION_OCTET_STREAM})
  @Produces("application/x-ndjson")
  @Operation(
      summary =
          "Unpack a .zip into a folder, streamed: NDJSON {path, ok, size, replaced} or {path, ok:"
              + " false, error} per entry as it is written, then {done, written, refused, error?}."
              + " Each entry meets the checks of a file write; existing files are overwritten")
  public Response importZip(
      @PathParam("id") String id, @QueryParam("path") String path, InputStream body) {
    java.nio.file.Path root = root(id);
    java.nio.file.Path folder = resolve(root, path);
    if (java.nio.file.Files.isRegularFile(folder)) {
      throw new BadRequestException(
          WorkspacePaths.relative(root, folder) + " is a file, not a folder.");
    }
    // Refused before the stream starts, so a wrong file gets a plain 400 instead of an empty
    // import.
    InputStream zip = new BufferedInputStream(body == null ? InputStream.nullInputStream() : body);
    if (!startsLikeAZip(zip)) {
      throw WorkspaceArchives.notAZip();
    }
    String user = caller.user();
    StreamingOutput out =
        stream -> {
          WorkspaceArchives.ImportSummary summary = archives.importZip(root, folder, zip, stream);
          Log.infof(
              "%s imported a zip into %s/%s: %d written, %d refused%s",
              user,
              id,
              WorkspacePaths.relative(root, folder),
              summary.written(),
              summary.refused(),
              summary.stopped() ? ", stopped early" : "");
        };
    return Response.ok(out, "application/x-ndjson").build();
  }

  @GET
  @Path("{id}/archive")
  @Produces("application/zip")
  @Operation(summary = "A folder (or the whole workspace) as a .zip, streamed as it is read")
  public Response archive(@PathParam("id") String id, @QueryParam("path") String path) {
    Workspace workspace = workspaces.open(caller, id);
    java.nio.file.Path root = workspaces.folder(workspace);
    java.nio.file.Path folder = resolve(root, path);
    if (!java.nio.file.Files.isDirectory(folder)) {
      throw new ProblemException(
          404,
          "not-found",
          "Not Found",
          "No folder " + WorkspacePaths.relative(root, folder) + ".");
    }
    String name =
        safeFileName(folder.equals(root) ? workspace.name() : folder.getFileName().toString());
    StreamingOutput out = stream -> archives.exportZip(root, folder, stream);
    return Response.ok(out, "application/zip")
        .header("Content-Disposition", "attachment; filename=\"" + name + ".zip\"")
        .header("Cache-Control", "no-store")
        .build();
  }

  /** A zip starts with a local file header, or is empty (only an end record). */
  private static boolean startsLikeAZip(InputStream in) {
    try {
      in.mark(4);
      byte[] head = in.readNBytes(4);
      in.reset();
      return head.length == 4
          && head[0] == 'P'
          && head[1] == 'K'
          && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A name safe in a header and on any file system: letters, digits, '.', '-', '_'. */
  static String safeFileName(String raw) {
    String name = raw.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[.-]+", "");
    if (name.isEmpty()) {
      return "workspace";
    }
    return name.length() > 80 ? name.substring(0, 80) : name;
  }

  private java.nio.file.Path root(String id) {
    return workspaces.root(caller.user(), id);
  }

  private java.nio.file.Path resolve(java.nio.file.Path root, String path) {
    return workspaces.resolve(caller.user(), root, path);
  }

  private static String unquoted(String etag) {
    return etag.substring(1, etag.length() - 1);
  }
}
