package dev.aicoder.gateway.rest;

import dev.aicoder.common.InternalOnly;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.service.WorkspaceFiles;
import dev.aicoder.gateway.service.WorkspaceFiles.FileVersion;
import dev.aicoder.gateway.service.WorkspacePaths;
import dev.aicoder.gateway.service.WorkspaceStore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /internal/workspaces/{id}/context}: the text of one workspace file, for ai-streaming
 * to attach to a prompt on behalf of the user who sent it. The gateway owns the workspace volume,
 * so it alone reads files, with the same membership and path checks as the user's own reads.
 * Internal: the shared credential is required, and since this route sits on the gateway's public
 * port, it refuses outright while no credential is configured (no loopback exception).
 */
@Path("/internal/workspaces")
@InternalOnly
@Produces(MediaType.APPLICATION_JSON)
public class ContextResource {

  /** One file's text, at most the characters asked for; a binary file comes without text. */
  @RegisterForReflection
  public record ContextFile(String path, String text, boolean truncated, boolean binary) {}

  private final WorkspaceStore workspaces;
  private final WorkspaceFiles files;
  private final boolean credentialConfigured;
  private final long maxRead;

  ContextResource(
      WorkspaceStore workspaces,
      WorkspaceFiles files,
      GatewayConfig config,
      @ConfigProperty(name = "aicoder.internal-token") Optional<String> internalToken) {
    this.workspaces = workspaces;
    this.files = files;
    this.credentialConfigured = internalToken.filter(t -> !t.isBlank()).isPresent();
    this.maxRead = config.files().maxRead().asLongValue();
  }

  @GET
  @Path("{id}/context")
  @Operation(hidden = true) // not part of the public API
  public ContextFile read(
      @PathParam("id") String id,
      @QueryParam("path") String path,
      @QueryParam("user") String user,
      @QueryParam("max") @DefaultValue("100000") int maxChars) {
    if (!credentialConfigured) {
      throw new ProblemException(
          503,
          "internal-credential-not-configured",
          "Service Unavailable",
          "Workspace files are served to other services only once AI_CODER_INTERNAL_TOKEN is set"
              + " on the gateway and on them.");
    }
    if (user == null || user.isBlank() || path == null || path.isBlank() || maxChars < 1) {
      throw new ProblemException(
          400, "bad-request", "Bad Request", "Send path, user and max (at least 1).");
    }
    java.nio.file.Path root = workspaces.root(user, id); // 404 unless the user is a member
    java.nio.file.Path file = workspaces.resolve(user, root, path);
    FileVersion version = files.version(root, file); // 404 when missing, 400 for a folder
    String relative = WorkspacePaths.relative(root, file);
    // A character takes at most 3 UTF-8 bytes (4 for a pair of two chars): read no more than
    // the answer may hold.
    long want = Math.min(version.size(), Math.min(maxRead, 3L * maxChars));
    byte[] bytes = files.read(file, 0, (int) want);
    if (WorkspaceFiles.isBinary(bytes)) {
      return new ContextFile(relative, null, false, true);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    boolean truncated = bytes.length < version.size();
    if (truncated) {
      text = text.replaceAll("\uFFFD+$", ""); // a character cut by the byte limit
    }
    if (text.length() > maxChars) {
      int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
      text = text.substring(0, end);
      truncated = true;
    }
    return new ContextFile(relative, text, truncated, false);
  }
}
