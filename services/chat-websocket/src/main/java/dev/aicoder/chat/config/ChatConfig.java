package dev.aicoder.chat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The chat-websocket service's settings; environment variables are named in application.properties.
 */
@ConfigMapping(prefix = "aicoder.chat")
public interface ChatConfig {

  /** Most WebSocket connections one instance accepts ({@code MAX_CONNECTIONS}). */
  @WithDefault("2000")
  int maxConnections();

  /**
   * Most WebSocket connections one user may hold on one instance ({@code
   * AI_CODER_MAX_CONNECTIONS_PER_USER}), so one token cannot take every slot; a tab over it is
   * closed with 1013 and retries later.
   */
  @WithDefault("20")
  int maxConnectionsPerUser();

  /**
   * How often every watched conversation is checked again ({@code AI_CODER_ACCESS_CHECK}): a viewer
   * that lost access (unshared, left the team, deleted) stops getting its events within this time.
   */
  @WithDefault("2s")
  Duration accessCheck();

  /** Prompts one user may send per minute, across all instances. */
  @WithDefault("30")
  int promptsPerMinute();

  /** Frames one connection may send per second before it gets rate-limit errors. */
  @WithDefault("20")
  int framesPerSecond();

  /** Rate-limit errors one connection may collect before it is closed as abusive. */
  @WithDefault("50")
  int maxViolations();

  /** Frames waiting to be written to one browser; a client that falls further behind is closed. */
  @WithDefault("2000")
  int maxSendQueue();

  /** How often connections are pinged; one silent for three of these is closed. */
  @WithDefault("20s")
  Duration heartbeat();

  /** How often open connections are checked for expired or signed-out tokens. */
  @WithDefault("5s")
  Duration tokenCheck();

  /** How long the tailer's blocking read waits; shorter than the Redis client timeout. */
  @WithDefault("1s")
  Duration tailBlock();

  /** How long a clientMsgId keeps mapping to its turn, for retried prompts. */
  @WithDefault("24h")
  Duration dedupeWindow();

  /**
   * On SIGTERM, how long the instance keeps serving its connections while it reports not ready (so
   * the load balancer stops sending new ones) before it closes them with 1012, for their clients to
   * reconnect to another instance and resume. Keep it below the pod's termination grace period.
   */
  @WithDefault("5s")
  Duration drainDelay();
}
