package dev.aicoder.chat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The chat-websocket service's settings; environment variables are named in application.properties.
 */
@ConfigMapping(prefix = "aicoder.chat")
public interface ChatConfig {

  /** Most WebSocket connections one instance accepts ({@code MAX_CONNECTIONS}). */
  @WithDefault("2000")
  int maxConnections();

  /** Most events sent to a browser in one frame batch ({@code BATCH_SIZE}). */
  @WithDefault("16")
  int batchSize();
}
