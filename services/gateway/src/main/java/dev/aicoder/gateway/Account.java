package dev.aicoder.gateway;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A user of AI-Coder; {@code role} is {@code admin} or {@code member}. */
@RegisterForReflection
public record Account(String username, String role, long createdAtMs) {}
