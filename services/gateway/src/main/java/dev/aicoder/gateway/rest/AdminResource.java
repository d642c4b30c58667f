package dev.aicoder.gateway.rest;

import dev.aicoder.gateway.Account;
import dev.aicoder.gateway.Team;
import dev.aicoder.gateway.security.Caller;
import dev.aicoder.gateway.service.AccountStore;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Users, teams and memberships; admins only. */
@Path("/api/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

  /** A new user. */
  @RegisterForReflection
  public record NewUser(String username, String password, String role) {}

  /** A new team. */
  @RegisterForReflection
  public record NewTeam(String name) {}

  /** A user to add to a team. */
  @RegisterForReflection
  public record NewMember(String username) {}

  private final AccountStore accounts;
  private final Caller caller;

  AdminResource(AccountStore accounts, Caller caller) {
    this.accounts = accounts;
    this.caller = caller;
  }

  @POST
  @Path("users")
  @Operation(summary = "Create a user (admin only)")
  public Response createUser(NewUser user) {
    caller.requireAdmin();
    if (user == null) {
      throw new BadRequestException("Send {\"username\", \"password\", \"role\"}.");
    }
    Account created =
        accounts.create(
            user.username(), user.password(), user.role() == null ? "member" : user.role());
    Log.infof("%s created user %s (%s)", caller.user(), created.username(), created.role());
    return Response.status(201).entity(created).build();
  }

  @POST
  @Path("teams")
  @Operation(summary = "Create a team (admin only)")
  public Response createTeam(NewTeam team) {
    caller.requireAdmin();
    Team created = accounts.createTeam(team == null ? null : team.name());
    Log.infof("%s created team %s (%s)", caller.user(), created.name(), created.id());
    return Response.status(201).entity(created).build();
  }

  @POST
  @Path("teams/{teamId}/members")
  @Operation(summary = "Add a user to a team (admin only)")
  public Response addMember(@PathParam("teamId") String teamId, NewMember member) {
    caller.requireAdmin();
    accounts.addMember(teamId, member == null ? null : member.username());
    return Response.noContent().build();
  }
}
