package dev.aicoder.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Text shipped inside a service's jar, such as its Redis Lua scripts. */
public final class Resources {

  private Resources() {}

  /** The UTF-8 text of a classpath resource; fails at class initialization when it is missing. */
  public static String text(String resource) {
    try (InputStream in = Resources.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Unreadable resource " + resource, e);
    }
  }
}
