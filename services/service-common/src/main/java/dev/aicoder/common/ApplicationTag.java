package dev.aicoder.common;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Tags every meter with {@code application=<service name>} so dashboards can split by service. */
@Singleton
public class ApplicationTag {

  @Produces
  @Singleton
  MeterFilter applicationTag(@ConfigProperty(name = "quarkus.application.name") String name) {
    return MeterFilter.commonTags(Tags.of("application", name));
  }
}
