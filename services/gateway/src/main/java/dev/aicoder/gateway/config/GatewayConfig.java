package dev.aicoder.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** The gateway's settings; each has an environment variable named in application.properties. */
@ConfigMapping(prefix = "aicoder.gateway")
public interface GatewayConfig {

  /** How long /api/status waits for one service before it reports it DOWN. */
  @WithDefault("1s")
  Duration statusTimeout();

  /** Base URL of the chat-websocket service. */
  @WithDefault("http://localhost:8081")
  String chatWebsocketUrl();

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
}
