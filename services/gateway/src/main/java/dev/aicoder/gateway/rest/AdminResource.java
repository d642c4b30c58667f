package dev.aicoder.gateway.rest;

import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.Account;
import dev.aicoder.gateway.Team;
import dev.aicoder.gateway.Workspace;
import dev.aicoder.gateway.security.Caller;
import dev.aicoder.gateway.service.AccountStore;
import dev.aicoder.gateway.service.AccountStore.User;
import dev.aicoder.gateway.service.UserSessions;
import dev.aicoder.gateway.service.WorkspaceStore;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Users, teams, memberships and team workspaces; admins only. Every change is logged with the admin
 * who made it. Changing a user's role, password or enabling signs out their live tokens, so the
 * change holds from their next request (a token carries the role it was issued with).
 */
@Path("/api/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

  /** A new user. */
  @RegisterForReflection
  public record NewUser(String username, String password, String role) {}

  /** What to change about a user: any of role and disabled. */
  @RegisterForReflection
  public record UserChange(String role, Boolean disabled) {}

  /** A new password set by an admin. */
  @RegisterForReflection
  public record NewPassword(String password) {}

  /** A user as the admin page lists it. */
  @RegisterForReflection
  public record UserView(
      String username,
      String role,
      boolean disabled,
      boolean singleSignOn,
      long createdAtMs,
      List<Team> teams) {}

  /** A new team. */
  @RegisterForReflection
  public record NewTeam(String name) {}

  /** A team with its members and workspaces. */
  @RegisterForReflection
  public record TeamView(
      String id, String name, long createdAtMs, List<String> members, List<Workspace> workspaces) {}

  /** A user to add to a team. */
  @RegisterForReflection
  public record NewMember(String username) {}

  /** A new workspace of a team. */
  @RegisterForReflection
  public record NewWorkspace(String name) {}

  private final AccountStore accounts;
  private final WorkspaceStore workspaces;
  private final UserSessions sessions;
  private final Caller caller;

  AdminResource(
      AccountStore accounts, WorkspaceStore workspaces, UserSessions sessions, Caller caller) {
    this.accounts = accounts;
    this.workspaces = workspaces;
    this.sessions = sessions;
    this.caller = caller;
  }

  @GET
  @Path("users")
  @Operation(summary = "Every user: role, disabled, single sign-on or password, teams (admin only)")
  public List<UserView> users() {
    caller.requireAdmin();
    return accounts.users().stream().map(this::view).toList();
  }

  @POST
  @Path("users")
  @Operation(summary = "Create a user (admin only)")
  public Response createUser(NewUser user) {
    caller.requireAdmin();
    if (user == null) {
      throw badRequest("Send {\"username\", \"password\", \"role\"}.");
    }
    Account created =
        accounts.create(
            user.username(), user.password(), user.role() == null ? "member" : user.role());
    Log.infof("%s created user %s (%s)", caller.user(), created.username(), created.role());
    return Response.status(201).entity(created).build();
  }

  @PATCH
  @Path("users/{username}")
  @Operation(
      summary =
          "Change a user's role or disable/enable them; their live tokens stop working (admin"
              + " only)")
  public UserView changeUser(@PathParam("username") String username, UserChange change) {
    caller.requireAdmin();
    if (change == null || (change.role() == null && change.disabled() == null)) {
      throw badRequest(
          "Send {\"role\": \"admin\"|\"lead\"|\"member\"} and/or {\"disabled\": bool}.");
    }
    User user = accounts.existing(username);
    boolean demotes = change.role() != null && !"admin".equals(change.role());
    boolean disables = Boolean.TRUE.equals(change.disabled());
    if ("admin".equals(user.role()) && (demotes || disables)) {
      keepAnAdmin(user);
    }
    boolean changed = false;
    if (change.role() != null && !change.role().equals(user.role())) {
      changed = true;
      accounts.setRole(user.username(), change.role());
      Log.infof(
          "%s changed the role of %s from %s to %s",
          caller.user(), user.username(), user.role(), change.role());
    }
    if (change.disabled() != null && change.disabled() != user.disabled()) {
      changed = true;
      accounts.setDisabled(user.username(), change.disabled());
      Log.infof("%s %s user %s", caller.user(), disables ? "disabled" : "enabled", user.username());
    }
    // Ends the sessions after the change is stored, so a sign-in in between gets the new state.
    int ended = changed ? sessions.endAll(user.username()) : 0;
    if (ended > 0) {
      Log.infof("Signed out %d token(s) of %s", ended, user.username());
    }
    return view(accounts.existing(user.username()));
  }

  @PUT
  @Path("users/{username}/password")
  @Operation(
      summary =
          "Set a new password for a user; their live tokens stop working (admin only; not for"
              + " single sign-on users)")
  public Response resetPassword(@PathParam("username") String username, NewPassword body) {
    caller.requireAdmin();
    if (body == null || body.password() == null) {
      throw badRequest("Send {\"password\": \"...\"} (8-256 characters).");
    }
    User user = accounts.existing(username);
    accounts.setPassword(user.username(), body.password());
    sessions.endAll(user.username());
    Log.infof("%s reset the password of %s", caller.user(), user.username());
    return Response.noContent().build();
  }

  @GET
  @Path("teams")
  @Operation(summary = "Every team with its members and workspaces (admin only)")
  public List<TeamView> teams() {
    caller.requireAdmin();
    return accounts.teams().stream().map(this::view).toList();
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
    if (member == null || member.username() == null) {
      throw badRequest("Send {\"username\": \"...\"}.");
    }
    accounts.addMember(teamId, member.username());
    Log.infof("%s added %s to team %s", caller.user(), member.username(), teamId);
    return Response.noContent().build();
  }

  @DELETE
  @Path("teams/{teamId}/members/{username}")
  @Operation(
      summary = "Remove a user from a team; they lose its workspaces within seconds (admin only)")
  public Response removeMember(
      @PathParam("teamId") String teamId, @PathParam("username") String username) {
    caller.requireAdmin();
    accounts.removeMember(teamId, username);
    Log.infof("%s removed %s from team %s", caller.user(), username, teamId);
    return Response.noContent().build();
  }

  @GET
  @Path("teams/{teamId}/workspaces")
  @Operation(summary = "The workspaces of a team (admin only)")
  public List<Workspace> teamWorkspaces(@PathParam("teamId") String teamId) {
    caller.requireAdmin();
    return workspaces.listForTeam(accounts.team(teamId).id());
  }

  @POST
  @Path("teams/{teamId}/workspaces")
  @Operation(summary = "Create a workspace for any team (admin only)")
  public Response createWorkspace(@PathParam("teamId") String teamId, NewWorkspace body) {
    caller.requireAdmin();
    Workspace workspace =
        workspaces.create(caller, body == null ? null : body.name(), accounts.team(teamId).id());
    Log.infof(
        "%s created workspace %s (%s) for team %s",
        caller.user(), workspace.name(), workspace.id(), workspace.teamId());
    return Response.status(201).entity(workspace).build();
  }

  /** Refuses to take the admin role or access from oneself or from the last admin. */
  private void keepAnAdmin(User user) {
    if (user.username().equals(caller.user())) {
      throw new ProblemException(
          409,
          "own-admin-account",
          "Conflict",
          "You cannot disable or demote yourself; another admin can.");
    }
    if (!user.disabled() && accounts.enabledAdmins() <= 1) {
      throw new ProblemException(
          409,
          "last-admin",
          "Conflict",
          user.username() + " is the last admin; make another admin first.");
    }
  }

  private UserView view(User user) {
    return new UserView(
        user.username(),
        user.role(),
        user.disabled(),
        user.singleSignOn(),
        user.createdAtMs(),
        accounts.teamsOf(user.username()));
  }

  private TeamView view(Team team) {
    return new TeamView(
        team.id(),
        team.name(),
        team.createdAtMs(),
        accounts.members(team.id()),
        workspaces.listForTeam(team.id()));
  }

  private static ProblemException badRequest(String detail) {
    return new ProblemException(400, "bad-request", "Bad Request", detail);
  }
}
