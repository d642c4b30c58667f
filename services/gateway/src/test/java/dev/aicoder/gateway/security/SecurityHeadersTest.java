package dev.aicoder.gateway.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityHeadersTest {

  @Test
  void aHeaderThatWouldSplitTheResponseStopsTheStart() {
    assertThatCode(() -> new SecurityHeaders(Map.of("X-Frame-Options", "DENY")))
        .doesNotThrowAnyException();
    for (Map<String, String> bad :
        Map.of(
                "a", Map.of("X-Frame-Options", "DENY\r\nSet-Cookie: session=stolen"),
                "b", Map.of("Bad Name", "x"),
                "c", Map.of("X-Empty\n", "x"))
            .values()) {
      assertThatThrownBy(() -> new SecurityHeaders(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("aicoder.gateway.security-headers");
    }
  }
}
