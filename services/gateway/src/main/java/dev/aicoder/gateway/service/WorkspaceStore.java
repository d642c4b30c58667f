package dev.aicoder.gateway.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.gateway.Team;
import dev.aicoder.gateway.Workspace;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.config.LocalCaches;
import dev.aicoder.gateway.security.Caller;
import dev.aicoder.gateway.security.SecurityCounters;
import dev.aicoder.gateway.security.SecurityCounters.Reason;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.set.SetCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Workspaces and who may open them: members of the workspace's team. */
@ApplicationScoped
public class WorkspaceStore {

  private final HashCommands<String, String, String> hashes;
  private final SetCommands<String, String> sets;
  private final AccountStore accounts;
  private final SecurityCounters counters;
  private final Path root;
  private static final Duration MEMBERSHIP_TTL = Duration.ofSeconds(5);

  private final Cache<String, Workspace> known;
  private final Cache<String, Path> folders;

  /** Team/user pairs found members; only members are remembered, so a new one waits for nothing. */
  private final Cache<String, Boolean> memberships;

  WorkspaceStore(
      RedisDataSource redis,
      AccountStore accounts,
      SecurityCounters counters,
      GatewayConfig config,
      LocalCaches caches) {
    int workspaces = config.caches().workspaces();
    this.known = caches.build("workspaces", Caffeine.newBuilder().maximumSize(workspaces));
    this.folders = caches.build("workspace-folders", Caffeine.newBuilder().maximumSize(workspaces));
    this.memberships =
        caches.build(
            "memberships",
            Caffeine.newBuilder()
                .maximumSize(config.caches().memberships())
                .expireAfterWrite(MEMBERSHIP_TTL));
    this.hashes = redis.hash(String.class);
    this.sets = redis.set(String.class);
    this.accounts = accounts;
    this.counters = counters;
    this.root = config.workspaceRoot().toAbsolutePath().normalize();
  }

  /** Creates a workspace for a team the caller belongs to (admins: any team). */
  public Workspace create(Caller caller, String name, String teamId) {
    Team team = accounts.team(teamId);
    if (!caller.isAdmin() && !accounts.isMember(team.id(), caller.user())) {
      counters.count(Reason.FORBIDDEN);
      throw new ProblemException(
          403, "forbidden", "Forbidden", "You are not a member of team " + team.id() + ".");
    }
    String id = UUID.randomUUID().toString().substring(0, 13);
    Workspace workspace =
        new Workspace(
            id, Names.displayName(name, "workspace"), team.id(), System.currentTimeMillis());
    try {
      Files.createDirectories(root.resolve(id));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the workspace folder under " + root, e);
    }
    hashes.hset(
        GatewayKeys.workspace(id),
        Map.of(
            "id", id,
            "name", workspace.name(),
            "teamId", team.id(),
            "createdAt", Long.toString(workspace.createdAtMs())));
    sets.sadd(GatewayKeys.teamWorkspaces(team.id()), id);
    return workspace;
  }

  /** The workspaces of the caller's teams, by name. */
  public List<Workspace> listFor(Caller caller) {
    List<Workspace> result = new ArrayList<>();
    for (Team team : accounts.teamsOf(caller.user())) {
      for (String id : sets.smembers(GatewayKeys.teamWorkspaces(team.id()))) {
        find(id).ifPresent(result::add);
      }
    }
    result.sort(Comparator.comparing(Workspace::name).thenComparing(Workspace::id));
    return result;
  }

  /** The workspaces of one team, by name (for admins: no membership check). */
  public List<Workspace> listForTeam(String teamId) {
    List<Workspace> result = new ArrayList<>();
    for (String id : sets.smembers(GatewayKeys.teamWorkspaces(Names.id(teamId, "team")))) {
      find(id).ifPresent(result::add);
    }
    result.sort(Comparator.comparing(Workspace::name).thenComparing(Workspace::id));
    return result;
  }

  /**
   * The workspace if the caller is a member of its team. A stranger gets the same 404 as for a
   * workspace that does not exist, so ids cannot be probed.
   */
  public Workspace open(Caller caller, String workspaceId) {
    return open(caller.user(), workspaceId);
  }

  /** {@link #open(Caller, String)} for a user known from a verified token. */
  public Workspace open(String user, String workspaceId) {
    Workspace workspace =
        find(Names.id(workspaceId, "workspace")).orElseThrow(() -> notFound(workspaceId));
    if (!isMember(workspace.teamId(), user)) {
      counters.count(Reason.FORBIDDEN);
      throw notFound(workspaceId);
    }
    return workspace;
  }

  /** The folder of a workspace the user may open (404 otherwise). */
  public Path root(String user, String workspaceId) {
    return folder(open(user, workspaceId));
  }

  /**
   * {@link #root(String, String)} from what this replica remembers, without Redis or the disk; null
   * when it would have to look (then call {@code root} on a worker thread).
   */
  public Path knownRoot(String user, String workspaceId) {
    Workspace workspace = known.getIfPresent(workspaceId);
    if (workspace == null || !remembered(workspace.teamId(), user)) {
      return null;
    }
    return folders.getIfPresent(workspace.id());
  }

  /** {@link WorkspacePaths#resolve}, with refused paths counted and logged. */
  public Path resolve(String user, Path root, String raw) {
    try {
      return WorkspacePaths.resolve(root, raw);
    } catch (ProblemException e) {
      counters.count(Reason.BAD_PATH);
      Log.infof("Refused path from %s: %s", user, e.getMessage());
      throw e;
    }
  }

  /** The real path of a workspace's folder, created if missing. */
  public Path folder(Workspace workspace) {
    return folders.get(
        workspace.id(),
        id -> {
          try {
            return Files.createDirectories(root.resolve(id)).toRealPath();
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the workspace folder", e);
          }
        });
  }

  /**
   * Team membership, remembered for {@link #MEMBERSHIP_TTL}: a file read then costs no Redis call
   * of its own, and a removed member loses access within that time.
   */
  private boolean isMember(String teamId, String user) {
    if (remembered(teamId, user)) {
      return true;
    }
    boolean member = accounts.isMember(teamId, user);
    if (member) {
      memberships.put(teamId + "/" + user, true);
    }
    return member;
  }

  private boolean remembered(String teamId, String user) {
    return memberships.getIfPresent(teamId + "/" + user) != null;
  }

  /**
   * A workspace never changes team, so found ones are remembered (one Redis call less a file read).
   */
  private Optional<Workspace> find(String id) {
    Workspace cached = known.getIfPresent(id);
    if (cached != null) {
      return Optional.of(cached);
    }
    Map<String, String> f = hashes.hgetall(GatewayKeys.workspace(id));
    if (!f.containsKey("id")) {
      return Optional.empty();
    }
    Workspace workspace =
        new Workspace(
            f.get("id"), f.get("name"), f.get("teamId"), Long.parseLong(f.get("createdAt")));
    known.put(id, workspace);
    return Optional.of(workspace);
  }

  private static ProblemException notFound(String id) {
    return new ProblemException(
        404, "workspace-not-found", "Not Found", "No workspace " + id + " that you can open.");
  }
}
