package dev.aicoder.gateway;

/**
 * Redis keys the gateway owns. User names, team ids and workspace ids are validated before they
 * reach a key, so none can contain a colon.
 */
public final class GatewayKeys {

  /** Set of every user name. */
  public static final String ACCOUNTS = "aicoder:accounts";

  /** Set of every team id. */
  public static final String TEAMS = "aicoder:teams";

  /** Hash of counters shown by /api/security/status, summed across replicas. */
  public static final String SECURITY_COUNTERS = "aicoder:security:counters";

  /** Stream of workspaces whose files changed, read by every replica's file cache. */
  public static final String FILE_CHANGES = "aicoder:gateway:file-changes";

  private GatewayKeys() {}

  /** Hash of one user: username, password (bcrypt) or sso, role, createdAt, disabled (when). */
  public static String account(String username) {
    return "aicoder:account:" + username;
  }

  /** Set of the team ids a user belongs to. */
  public static String accountTeams(String username) {
    return "aicoder:account:" + username + ":teams";
  }

  /**
   * Sorted set of a user's token ids, scored by when each expires: what is signed out when an admin
   * disables the user or changes their role or password.
   */
  public static String accountTokens(String username) {
    return "aicoder:account:" + username + ":tokens";
  }

  /** Hash of one team: id, name, createdAt. */
  public static String team(String teamId) {
    return "aicoder:team:" + teamId;
  }

  /** Set of a team's user names. */
  public static String teamMembers(String teamId) {
    return dev.aicoder.auth.AuthKeys.teamMembers(teamId);
  }

  /** Sorted set of the conversations shared with a team, by the time they were shared. */
  public static String teamConversations(String teamId) {
    return "aicoder:team:" + teamId + ":conversations";
  }

  /** Set of a team's workspace ids. */
  public static String teamWorkspaces(String teamId) {
    return "aicoder:team:" + teamId + ":workspaces";
  }

  /** Hash of one workspace: id, name, teamId, createdAt. */
  public static String workspace(String workspaceId) {
    return "aicoder:workspace:" + workspaceId;
  }

  /** Requests from one address in one rate-limit window; expires after two windows. */
  public static String ipWindow(String ip, long window) {
    return "aicoder:rl:ip:" + ip + ":" + window;
  }

  /** Requests of one user in one rate-limit window; expires after two windows. */
  public static String userWindow(String user, long window) {
    return "aicoder:rl:user:" + user + ":" + window;
  }

  /** Failed sign-ins for one user name; expires with the login window. */
  public static String loginFailures(String username) {
    return "aicoder:login:fail:user:" + username;
  }

  /** Present while a user name that failed too often waits for its next attempt. */
  public static String loginDelay(String username) {
    return "aicoder:login:delay:user:" + username;
  }

  /** Failed sign-ins from one address; expires with the login window. */
  public static String loginFailuresFrom(String ip) {
    return "aicoder:login:fail:ip:" + ip;
  }
}
