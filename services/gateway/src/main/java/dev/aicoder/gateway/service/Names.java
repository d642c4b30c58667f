package dev.aicoder.gateway.service;

import jakarta.ws.rs.BadRequestException;
import java.util.regex.Pattern;

/** Checks of names that come from outside and end up in Redis keys. */
public final class Names {

  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  private Names() {}

  /** A user name: lower-case letters, digits, dot, underscore, dash; at most 64. */
  public static String username(String value) {
    if (value == null || !USERNAME.matcher(value).matches()) {
      throw new BadRequestException(
          "A user name is 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter"
              + " or digit.");
    }
    return value;
  }

  /** A team or workspace id as the gateway makes them. */
  public static String id(String value, String what) {
    if (value == null || !ID.matcher(value).matches()) {
      throw new BadRequestException("Malformed " + what + " id.");
    }
    return value;
  }

  /** A display name: 1-100 characters, no control characters. */
  public static String displayName(String value, String what) {
    if (value == null
        || value.isBlank()
        || value.length() > 100
        || value.chars().anyMatch(Character::isISOControl)) {
      throw new BadRequestException(
          "A " + what + " name is 1-100 characters without control characters.");
    }
    return value.strip();
  }
}
