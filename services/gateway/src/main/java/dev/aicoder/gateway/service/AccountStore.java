package dev.aicoder.gateway.service;

import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.Account;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.gateway.Team;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.set.SetCommands;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Users and teams, stored in Redis. Passwords are kept only as bcrypt hashes. */
@ApplicationScoped
public class AccountStore {

  /** An admin manages users and teams; a team lead and an admin see the performance page. */
  public static final Set<String> ROLES = Set.of("admin", "lead", "member");

  /**
   * Compared against when the user does not exist, so a wrong name costs as much as a wrong
   * password.
   */
  private static final String DUMMY_HASH = BcryptUtil.bcryptHash(UUID.randomUUID().toString());

  private final HashCommands<String, String, String> hashes;
  private final SetCommands<String, String> sets;

  AccountStore(RedisDataSource redis) {
    this.hashes = redis.hash(String.class);
    this.sets = redis.set(String.class);
  }

  /** Creates a user; 409 when the name is taken. */
  public Account create(String username, String password, String role) {
    Names.username(username);
    checkPassword(password);
    checkRole(role);
    long now = System.currentTimeMillis();
    String key = GatewayKeys.account(username);
    if (!hashes.hsetnx(key, "username", username)) {
      throw new ClientErrorException("The user " + username + " already exists.", 409);
    }
    hashes.hset(
        key,
        Map.of("password", BcryptUtil.bcryptHash(password), "role", role, "createdAt", "" + now));
    sets.sadd(GatewayKeys.ACCOUNTS, username);
    return new Account(username, role, now);
  }

  /** A user as an admin sees it. */
  @RegisterForReflection
  public record User(
      String username, String role, boolean disabled, boolean singleSignOn, long createdAtMs) {}

  /** The account when the password is right. Takes a bcrypt comparison's time either way. */
  public Optional<Account> verify(String username, String password) {
    Map<String, String> fields =
        username == null ? Map.of() : hashes.hgetall(GatewayKeys.account(username));
    String hash = fields.get("password");
    boolean matches =
        BcryptUtil.matches(password == null ? "" : password, hash == null ? DUMMY_HASH : hash);
    return matches && hash != null ? Optional.of(toAccount(fields)) : Optional.empty();
  }

  public Optional<Account> find(String username) {
    Map<String, String> fields = hashes.hgetall(GatewayKeys.account(username));
    return fields.containsKey("createdAt") ? Optional.of(toAccount(fields)) : Optional.empty();
  }

  /**
   * The account of a user signed in by the identity provider, created on first sign-in (no
   * password: it cannot sign in with one). With an admin group configured ({@code admin} not null)
   * the provider decides who is an admin; otherwise the role an admin gave in the app stays. A
   * password account of the same name is never taken over: 409; a disabled account: 403.
   */
  public Account singleSignOn(String username, Boolean admin) {
    Names.username(username);
    String key = GatewayKeys.account(username);
    if (hashes.hsetnx(key, "username", username)) {
      long now = System.currentTimeMillis();
      String role = Boolean.TRUE.equals(admin) ? "admin" : "member";
      hashes.hset(key, Map.of("sso", "oidc", "role", role, "createdAt", "" + now));
      sets.sadd(GatewayKeys.ACCOUNTS, username);
      return new Account(username, role, now);
    }
    Map<String, String> fields = hashes.hgetall(key);
    if (!"oidc".equals(fields.get("sso"))) {
      throw new ClientErrorException(
          "A password account named " + username + " exists; single sign-on does not take it over.",
          409);
    }
    if (fields.containsKey("disabled")) {
      throw disabled(username);
    }
    String role = fields.get("role");
    if (admin != null && admin != "admin".equals(role)) {
      role = admin ? "admin" : "member";
      hashes.hset(key, "role", role);
    }
    return new Account(username, role, Long.parseLong(fields.get("createdAt")));
  }

  /** The problem a disabled user gets when signing in. */
  public static ProblemException disabled(String username) {
    return new ProblemException(
        403,
        "account-disabled",
        "Forbidden",
        "The account " + username + " is disabled; ask an admin to enable it.");
  }

  /** Whether the user exists and is disabled. */
  public boolean isDisabled(String username) {
    return hashes.hexists(GatewayKeys.account(username), "disabled");
  }

  /** Every user, by name. */
  public List<User> users() {
    List<User> users = new ArrayList<>();
    for (String name : sets.smembers(GatewayKeys.ACCOUNTS)) {
      user(name).ifPresent(users::add);
    }
    users.sort(java.util.Comparator.comparing(User::username));
    return users;
  }

  public Optional<User> user(String username) {
    Map<String, String> f = hashes.hgetall(GatewayKeys.account(username));
    if (!f.containsKey("createdAt")) {
      return Optional.empty();
    }
    return Optional.of(
        new User(
            f.get("username"),
            f.get("role"),
            f.containsKey("disabled"),
            f.containsKey("sso"),
            Long.parseLong(f.get("createdAt"))));
  }

  /** The user, or a 404 problem. */
  public User existing(String username) {
    return user(Names.username(username))
        .orElseThrow(
            () ->
                new ProblemException(
                    404, "user-not-found", "Not Found", "No user " + username + "."));
  }

  public void setRole(String username, String role) {
    checkRole(role);
    hashes.hset(GatewayKeys.account(existing(username).username()), "role", role);
  }

  public void setDisabled(String username, boolean disabled) {
    String key = GatewayKeys.account(existing(username).username());
    if (disabled) {
      hashes.hset(key, "disabled", "" + System.currentTimeMillis());
    } else {
      hashes.hdel(key, "disabled");
    }
  }

  /** Sets a new password; single sign-on users have none to set (409). */
  public void setPassword(String username, String password) {
    User user = existing(username);
    if (user.singleSignOn()) {
      throw new ProblemException(
          409,
          "single-sign-on-user",
          "Conflict",
          user.username()
              + " signs in through single sign-on; their password is kept by the identity"
              + " provider.");
    }
    checkPassword(password);
    hashes.hset(GatewayKeys.account(user.username()), "password", BcryptUtil.bcryptHash(password));
  }

  /** How many admins can sign in. */
  public int enabledAdmins() {
    int count = 0;
    for (User user : users()) {
      if ("admin".equals(user.role()) && !user.disabled()) {
        count++;
      }
    }
    return count;
  }

  /** Whether any admin exists. */
  public boolean anyAdmin() {
    for (String user : sets.smembers(GatewayKeys.ACCOUNTS)) {
      if ("admin".equals(hashes.hget(GatewayKeys.account(user), "role"))) {
        return true;
      }
    }
    return false;
  }

  public Team createTeam(String name) {
    String cleanName = Names.displayName(name, "team");
    String id = UUID.randomUUID().toString().substring(0, 8);
    long now = System.currentTimeMillis();
    hashes.hset(GatewayKeys.team(id), Map.of("id", id, "name", cleanName, "createdAt", "" + now));
    sets.sadd(GatewayKeys.TEAMS, id);
    return new Team(id, cleanName, now);
  }

  public Team team(String teamId) {
    Map<String, String> fields = hashes.hgetall(GatewayKeys.team(Names.id(teamId, "team")));
    if (!fields.containsKey("id")) {
      throw new NotFoundException("No team " + teamId + ".");
    }
    return new Team(fields.get("id"), fields.get("name"), Long.parseLong(fields.get("createdAt")));
  }

  public void addMember(String teamId, String username) {
    team(teamId);
    if (find(Names.username(username)).isEmpty()) {
      throw new NotFoundException("No user " + username + ".");
    }
    sets.sadd(GatewayKeys.teamMembers(teamId), username);
    sets.sadd(GatewayKeys.accountTeams(username), teamId);
  }

  public void removeMember(String teamId, String username) {
    team(teamId);
    Names.username(username);
    if (sets.srem(GatewayKeys.teamMembers(teamId), username) == 0) {
      throw new ProblemException(
          404,
          "member-not-found",
          "Not Found",
          username + " is not a member of team " + teamId + ".");
    }
    sets.srem(GatewayKeys.accountTeams(username), teamId);
  }

  /** The user names of a team's members, sorted. */
  public List<String> members(String teamId) {
    List<String> members = new ArrayList<>(sets.smembers(GatewayKeys.teamMembers(teamId)));
    members.sort(null);
    return members;
  }

  /** Every team, by name. */
  public List<Team> teams() {
    List<Team> teams = new ArrayList<>();
    for (String id : sets.smembers(GatewayKeys.TEAMS)) {
      teams.add(team(id));
    }
    teams.sort(java.util.Comparator.comparing(Team::name).thenComparing(Team::id));
    return teams;
  }

  public boolean isMember(String teamId, String username) {
    return sets.sismember(GatewayKeys.teamMembers(teamId), username);
  }

  /** The ids of the teams a user belongs to. */
  public Set<String> teamIdsOf(String username) {
    return sets.smembers(GatewayKeys.accountTeams(username));
  }

  /** The teams a user belongs to, by name. */
  public List<Team> teamsOf(String username) {
    List<Team> teams = new ArrayList<>();
    for (String id : sets.smembers(GatewayKeys.accountTeams(username))) {
      teams.add(team(id));
    }
    teams.sort(java.util.Comparator.comparing(Team::name));
    return teams;
  }

  private static void checkRole(String role) {
    if (role == null || !ROLES.contains(role)) {
      throw new ProblemException(
          400, "bad-role", "Bad Request", "role must be 'admin', 'lead' or 'member'.");
    }
  }

  private static void checkPassword(String password) {
    if (password == null || password.length() < 8 || password.length() > 256) {
      throw new BadRequestException("A password is 8-256 characters.");
    }
  }

  private static Account toAccount(Map<String, String> fields) {
    return new Account(
        fields.get("username"), fields.get("role"), Long.parseLong(fields.get("createdAt")));
  }
}
