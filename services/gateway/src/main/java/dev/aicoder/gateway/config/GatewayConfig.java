package dev.aicoder.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The gateway's settings; each has an environment variable named in application.properties. */
@ConfigMapping(prefix = "aicoder.gateway")
public interface GatewayConfig {

  /** How long /api/status waits for one service before it reports it DOWN. */
  @WithDefault("1s")
  Duration statusTimeout();

  /**
   * Headers put on every response (name to value): the content security policy and its kin, set in
   * application.properties.
   */
  Map<String, String> securityHeaders();

  /**
   * The model the assistant answers with, shown in the IDE's status bar: ai-streaming's setting
   * (AI_CODER_LLM_MODEL), which the chart gives every service.
   */
  @WithDefault("gpt-4o-mini")
  String model();

  /** Base URL of the chat-websocket service. */
  @WithDefault("http://localhost:8081")
  String chatWebsocketUrl();

  /** Where /ws/* is proxied to; chat-websocket's URL unless set. */
  Optional<String> wsProxyTarget();

  /** How often the /ws/chat proxy pings browsers; one silent for three of these is closed. */
  @WithDefault("20s")
  Duration wsHeartbeat();

  /** Base URL of the ai-streaming service. */
  @WithDefault("http://localhost:8082")
  String aiStreamingUrl();

  /** Base URL of the cache service. */
  @WithDefault("http://localhost:8083")
  String cacheUrl();

  /** Base URL of the metrics service. */
  @WithDefault("http://localhost:8084")
  String metricsUrl();

  /** The folder that holds every workspace. */
  Path workspaceRoot();

  /** Sign-in and tokens. */
  Auth auth();

  /** Single sign-on through an OpenID Connect provider (quarkus-oidc's settings hold the rest). */
  Sso sso();

  /** Request limits, counted in Redis so they hold across gateway replicas. */
  Limits limits();

  /** Workspace file handling. */
  Files files();

  /** Bounds of the in-process caches (file reads: {@link Files#cacheSize()}). */
  Caches caches();

  /**
   * On SIGTERM, how long the gateway goes on serving with readiness DOWN, so the ingress stops
   * sending it traffic, before it closes its chat sockets.
   */
  @WithDefault("5s")
  Duration shutdownDelay();

  /** On SIGTERM, how long requests in flight then get to finish before the gateway stops anyway. */
  @WithDefault("20s")
  Duration shutdownTimeout();

  /** Whether TLS is terminated in front of the gateway (an ingress); reported, not enforced. */
  @WithDefault("false")
  boolean tlsInFront();

  /** Sign-in and tokens. */
  interface Auth {

    /** How long an access token is valid. */
    @WithDefault("8h")
    Duration tokenLifetime();

    /** The first admin's user name (AI_CODER_ADMIN_USER). */
    Optional<String> adminUser();

    /** The first admin's password (AI_CODER_ADMIN_PASSWORD); never logged. */
    Optional<String> adminPassword();

    /**
     * A PEM file with the RSA private key that signs tokens (AI_CODER_SIGNING_KEY_FILE, e.g. a
     * mounted Secret): only its public half goes to Redis. Unset, a key is made once and kept in
     * Redis, private half included (fine locally; in production mount one).
     */
    Optional<java.nio.file.Path> signingKeyFile();
  }

  /** Request limits. */
  interface Limits {

    /** API requests one signed-in user may make per window. */
    @WithDefault("1200")
    int requestsPerUser();

    /** API requests one client address may make per window. */
    @WithDefault("2400")
    int requestsPerIp();

    /** The rate-limit window. */
    @WithDefault("1m")
    Duration window();

    /**
     * Failed sign-ins per user name before each further attempt waits; an address gets four times
     * as many before it waits out the login window.
     */
    @WithDefault("5")
    int loginFailures();

    /** How long failed sign-ins are remembered, and how long a throttled address waits. */
    @WithDefault("15m")
    Duration loginWindow();

    /** The wait before the next attempt of an account past its failures; doubles each time. */
    @WithDefault("1s")
    Duration loginDelay();

    /** The longest wait of an account: its owner signs in at most this long after an attack. */
    @WithDefault("15s")
    Duration loginMaxDelay();
  }

  /** Workspace file handling. */
  interface Files {

    /** The largest file a read returns whole; larger ones are read by range. */
    @WithDefault("10M")
    io.quarkus.runtime.configuration.MemorySize maxRead();

    /**
     * How long a file read whole is answered from memory without looking at the disk again (0:
     * never). Changes through the gateway drop it at once (other replicas within 0.1 s); changes
     * made beside it are seen within this time.
     */
    @WithDefault("1s")
    Duration cacheWindow();

    /**
     * The most file bytes (names included) held in memory for {@link #cacheWindow()}; past it the
     * least useful files are evicted (cache "file-reads").
     */
    @WithDefault("64M")
    io.quarkus.runtime.configuration.MemorySize cacheSize();

    /** The most matches one search returns. */
    @WithDefault("500")
    int searchMaxResults();

    /** How long one search may run. */
    @WithDefault("5s")
    Duration searchTimeout();

    /** The most entries one tree page holds. */
    @WithDefault("1000")
    int treeMaxPage();

    /**
     * The most entries (files and folders) one .zip import unpacks; the rest of a larger archive is
     * refused. Each file also meets the limit of a single write
     * (quarkus.http.limits.max-body-size), and the archive itself that of a request body.
     */
    @WithDefault("10000")
    int importMaxEntries();

    /**
     * The most bytes one .zip import unpacks, all entries together (refused ones counted as they
     * are read), so a small archive that inflates to gigabytes stops early.
     */
    @WithDefault("1G")
    io.quarkus.runtime.configuration.MemorySize importMaxBytes();
  }

  /**
   * Bounds of the in-process caches. Each forgets its least useful entries past its bound (and
   * re-reads them from Redis or the disk when asked again), so memory stays flat whatever comes in.
   */
  interface Caches {

    /** Verified access tokens remembered, so a signature is checked once per token. */
    @WithDefault("50000")
    int tokenChecks();

    /** Tokens whose revocation (sign-out) was looked up in the last minute. */
    @WithDefault("100000")
    int revocations();

    /** Workspaces (their team and folder) remembered, so a file read needs no Redis call. */
    @WithDefault("10000")
    int workspaces();

    /** Team memberships remembered for a few seconds, so a file read needs no Redis call. */
    @WithDefault("100000")
    int memberships();

    /** The most bytes of the web app's pre-compressed assets held in memory. */
    @WithDefault("32M")
    io.quarkus.runtime.configuration.MemorySize precompressedAssets();
  }

  /** Single sign-on. */
  interface Sso {

    /** Whether the sign-in page offers single sign-on (the same switch as quarkus-oidc's). */
    @WithDefault("false")
    boolean enabled();

    /** The ID token claim that holds the user name. */
    @WithDefault("preferred_username")
    String usernameClaim();

    /** Members of this group (the ID token's "groups" claim) sign in as admins. */
    Optional<String> adminGroup();
  }
}
