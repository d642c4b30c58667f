package dev.aicoder.gateway.rest;

import dev.aicoder.gateway.Conversation;
import dev.aicoder.gateway.security.Caller;
import dev.aicoder.gateway.service.ConversationStore;
import dev.aicoder.gateway.service.ConversationStore.MessagePage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The caller's chat history. */
@Path("/api/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {

  /** A rename and/or share: {@code teamId} "" stops sharing. */
  @RegisterForReflection
  public record Update(String title, String teamId) {}

  private final ConversationStore conversations;
  private final Caller caller;

  ConversationResource(ConversationStore conversations, Caller caller) {
    this.conversations = conversations;
    this.caller = caller;
  }

  @GET
  @Operation(summary = "The caller's conversations, most recent first; page with before=updatedAt")
  public List<Conversation> list(
      @QueryParam("before") @DefaultValue("-1") long before,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    return conversations.list(caller, before < 0 ? Long.MAX_VALUE : before, checkLimit(limit));
  }

  @GET
  @Path("{id}/messages")
  @Operation(summary = "Messages newest first; pass nextCursor as before for older ones")
  public MessagePage messages(
      @PathParam("id") String id,
      @QueryParam("before") @DefaultValue("-1") long before,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    return conversations.messages(caller, id, before, checkLimit(limit));
  }

  @PATCH
  @Path("{id}")
  @Operation(summary = "Rename, or share with one of the caller's teams (teamId \"\" unshares)")
  public Conversation update(@PathParam("id") String id, Update update) {
    if (update == null || (update.title() == null && update.teamId() == null)) {
      throw new BadRequestException("Send {\"title\"} and/or {\"teamId\"}.");
    }
    return conversations.update(caller, id, update.title(), update.teamId());
  }

  @DELETE
  @Path("{id}")
  @Operation(summary = "Delete a conversation and its messages")
  public Response delete(@PathParam("id") String id) {
    conversations.delete(caller, id);
    return Response.noContent().build();
  }

  private static int checkLimit(int limit) {
    if (limit < 1 || limit > 200) {
      throw new BadRequestException("limit is 1-200.");
    }
    return limit;
  }
}
